/**
 * Component configuration from the command line: `--key=value` strings converted by the JSON-Schema
 * type of each key, merged over the existing config (for update), and validated by the flavor's
 * schema. Errors name the key and the rule in plain words and never repeat a secret field's value.
 */
import { componentType } from "./component-types.ts";
import { configJsonSchema, type FlavorDescriptor } from "./discovery/describe-flavor.ts";
import type { FlavorInfo } from "./discovery/flavor-info.ts";
import { isAbsolute, resolve } from "node:path";
import {
  acceptedTypes,
  allowsExtraKeys,
  configProperties,
  derefSchema,
  describeConfigKeys as describeKeys,
  secretFieldsOf,
  typeLabel,
  type ConfigKeyDescription,
  type JsonSchema,
} from "./discovery/json-schema.ts";
import { ValidationError, ZenError } from "./errors.ts";
import { assertSecretReferences, type Flavor } from "./flavor.ts";
import { LOCAL_PATH_KEYWORD } from "./flavor-terms.ts";
import { withArticle } from "./wording.ts";

export type { ConfigKeyDescription };

export { LOCAL_PATH_KEYWORD } from "./flavor-terms.ts";

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function isLocalPathField(property: unknown, root: JsonSchema): boolean {
  return derefSchema(property, root)[LOCAL_PATH_KEYWORD] === true;
}

/** Options of a config parse: `cwd` resolves relative local paths (register/update/import). */
export interface ConfigParseOptions {
  cwd?: string | undefined;
}

/** The config keys of a flavor (type, required, secret, description, default), from its FlavorInfo. */
export function describeConfigKeys(info: Pick<FlavorInfo, "configSchema" | "secretFields">): ConfigKeyDescription[] {
  return describeKeys(info);
}

function flavorLabel(flavor: Pick<FlavorDescriptor, "type" | "name">): string {
  return `${componentType(flavor.type).displayName} flavor '${flavor.name}'`;
}

function keysHint(flavor: Pick<FlavorDescriptor, "type" | "name">, schema: JsonSchema): string {
  const keys = describeKeys({ configSchema: schema, secretFields: secretFieldsOf(schema) });
  if (keys.length === 0) return `The ${flavorLabel(flavor)} takes no configuration.`;
  const parts = keys.map((k) => `${k.key} (${k.type}${k.required ? ", required" : ""}${k.secret ? ", secret reference" : ""})`);
  return `Valid keys: ${parts.join(", ")}.`;
}

/** `access-key` → `access_key` or `accessKey`, whichever the schema has. */
function matchKey(raw: string, properties: Record<string, unknown>): string | undefined {
  const spellings = [raw, raw.replace(/-/g, "_"), raw.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())];
  return spellings.find((key) => Object.hasOwn(properties, key));
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(raw: string, properties: Record<string, unknown>): string | undefined {
  const normalized = raw.replace(/-/g, "_").toLowerCase();
  let best: { key: string; score: number } | undefined;
  for (const key of Object.keys(properties)) {
    const score = distance(normalized, key.toLowerCase());
    if (score <= Math.max(1, Math.floor(key.length / 3)) && (!best || score < best.score)) best = { key, score };
  }
  return best?.key;
}

function convertValue(key: string, text: string, property: unknown, root: JsonSchema, secret: boolean): unknown {
  const types = acceptedTypes(property, root);
  if (types.size === 0 || types.has("string")) return text;
  const trimmed = text.trim();
  if (types.has("boolean") && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  if ((types.has("number") || types.has("integer")) && trimmed !== "" && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (types.has("null") && trimmed === "null") return null;
  if (types.has("object") || types.has("array")) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      const detail = secret ? "" : ` (${(error as Error).message})`;
      throw new ValidationError(`The value of '${key}' is not valid JSON${detail}.`, {
        hint: types.has("array") ? `'${key}' takes a JSON array, e.g. --${key}='["a","b"]'.` : `'${key}' takes a JSON object, e.g. --${key}='{"a":1}'.`,
      });
    }
  }
  const label = typeLabel(property, root)
    .split(" | ")
    .map((t) => (/^[a-z]+$/.test(t) ? withArticle(t) : t))
    .join(" or ");
  throw new ValidationError(`The value of '${key}' must be ${label}${secret ? "" : `, not '${text}'`}.`, {
    hint: types.has("boolean") ? `Use --${key}=true or --${key}=false.` : `Give '${key}' ${label}.`,
  });
}

/** An issue as zod and Standard Schema report it. */
interface RawIssue {
  path?: readonly unknown[];
  message: string;
  code?: string;
  expected?: unknown;
}

interface Issue {
  path: string;
  message: string;
}

/** `path` dotted, and zod's "Invalid input: expected string, received undefined" said plainly. */
function plainIssue(issue: RawIssue, value: Record<string, unknown>): Issue {
  const segments = (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null && "key" in p ? (p as { key: unknown }).key : p));
  let message = issue.message;
  if (issue.code === "invalid_type") {
    if (segments.length === 1 && value[segments[0]!] === undefined) message = "is required";
    else if (typeof issue.expected === "string") message = `must be ${withArticle(issue.expected)}`;
  }
  return { path: segments.join("."), message };
}

type Validation = { data: Record<string, unknown> } | { issues: RawIssue[] };

/** Validates with the schema's own `safeParse` (zod), else its Standard Schema `validate`. */
function validate(config: unknown, value: Record<string, unknown>): Validation {
  const schema = config as {
    safeParse?: (v: unknown) => { success: boolean; data?: unknown; error?: { issues: RawIssue[] } };
    "~standard"?: { validate?: (v: unknown) => unknown };
  };
  try {
    if (typeof schema.safeParse === "function") {
      const result = schema.safeParse(value);
      return result.success ? { data: result.data as Record<string, unknown> } : { issues: result.error?.issues ?? [] };
    }
    const standard = schema["~standard"];
    if (typeof standard?.validate === "function") {
      const result = standard.validate(value) as { value?: unknown; issues?: RawIssue[] };
      if (result instanceof Promise) throw new Error("asynchronous config schemas are not supported");
      return result.issues ? { issues: result.issues } : { data: result.value as Record<string, unknown> };
    }
  } catch (error) {
    throw new ZenError(`The config schema could not validate: ${(error as Error).message}.`, { code: "ZEN_INVALID_FLAVOR" });
  }
  throw new ZenError("The flavor's config is not a schema.", {
    hint: "Give defineFlavor a zod object schema as `config`.",
    code: "ZEN_INVALID_FLAVOR",
  });
}

/**
 * Converts and validates a component's config for `flavor`. `raw` holds CLI strings (`--key=value`)
 * or typed values; its keys may be spelled kebab-case. Returns the parsed config (defaults applied).
 */
export function parseComponentConfig<Config extends Record<string, unknown> = Record<string, unknown>>(
  flavor: Pick<Flavor<Config>, "type" | "name" | "config">,
  raw: Record<string, unknown>,
  existing: Record<string, unknown> = {},
  options: ConfigParseOptions = {},
): Config {
  const schema = configJsonSchema(flavor);
  const properties = configProperties(schema);
  const secrets = new Set(secretFieldsOf(schema));
  const converted: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [rawKey, value] of Object.entries(raw)) {
    const key = properties ? (matchKey(rawKey, properties) ?? (allowsExtraKeys(schema) ? rawKey : undefined)) : rawKey;
    if (key === undefined) {
      unknown.push(rawKey);
      continue;
    }
    converted[key] =
      typeof value === "string" && properties && Object.hasOwn(properties, key) ? convertValue(key, value, properties[key], schema, secrets.has(key)) : value;
    const given = converted[key];
    if (options.cwd && typeof given === "string" && properties && isLocalPathField(properties[key], schema)) {
      const trimmed = given.trim();
      if (trimmed !== "" && !URL_SCHEME.test(trimmed) && !isAbsolute(trimmed)) converted[key] = resolve(options.cwd, trimmed);
    }
  }
  if (unknown.length > 0 && properties) {
    const quoted = unknown.map((k) => `'${k}'`).join(", ");
    const close = unknown.length === 1 ? suggestion(unknown[0]!, properties) : undefined;
    const noun = unknown.length > 1 ? "keys" : "key";
    const guess = close ? ` (did you mean '${close}'?)` : "";
    throw new ValidationError(`Unknown config ${noun} ${quoted} for the ${flavorLabel(flavor)}${guess}.`, {
      hint: keysHint(flavor, schema),
    });
  }
  const merged = { ...existing, ...converted };
  const result = validate(flavor.config, merged);
  if ("data" in result) {
    // A schema default or transform (or a flavor built against another copy of @zen/core) can still put
    // a literal in a secret field: nothing but a reference is ever stored there.
    assertSecretReferences(result.data, [...secrets], flavorLabel(flavor));
    return result.data as Config;
  }
  const hidden = [...secrets].map((key) => merged[key]).filter((v): v is string => typeof v === "string" && v.length >= 3);
  const scrub = (text: string) => hidden.reduce((acc, secret) => acc.split(secret).join("****"), text);
  const parts = result.issues.map((raw) => {
    const issue = plainIssue(raw, merged);
    const message = scrub(issue.message).replace(/\.$/, "");
    if (!issue.path) return message;
    return /^(must|is|should) /.test(message) ? `${issue.path} ${message}` : `${issue.path}: ${message}`;
  });
  throw new ValidationError(`Invalid configuration for the ${flavorLabel(flavor)}: ${parts.join("; ")}.`, {
    hint: keysHint(flavor, schema),
  });
}

/**
 * `remove-attribute`: the config without the given optional keys (kebab-case spellings accepted),
 * validated again by the flavor so defaults come back. A required or unknown key is refused by
 * name, before anything changes.
 */
export function removeConfigKeys<Config extends Record<string, unknown> = Record<string, unknown>>(
  flavor: Pick<Flavor<Config>, "type" | "name" | "config">,
  existing: Record<string, unknown>,
  keys: readonly string[],
): Config {
  const schema = configJsonSchema(flavor);
  const properties = configProperties(schema) ?? {};
  const described = new Map(describeKeys({ configSchema: schema, secretFields: secretFieldsOf(schema) }).map((k) => [k.key, k]));
  const remaining = { ...existing };
  const unknown: string[] = [];
  const required: string[] = [];
  for (const raw of keys) {
    const key = matchKey(raw, properties) ?? (Object.hasOwn(existing, raw) ? raw : undefined);
    if (key === undefined) unknown.push(raw);
    else if (described.get(key)?.required) required.push(key);
    else delete remaining[key];
  }
  if (unknown.length > 0) {
    const close = unknown.length === 1 ? suggestion(unknown[0]!, properties) : undefined;
    const quoted = unknown.map((k) => `'${k}'`).join(", ");
    const didYouMean = close ? ` (did you mean '${close}'?)` : "";
    throw new ValidationError(`Unknown config ${unknown.length > 1 ? "keys" : "key"} ${quoted} for the ${flavorLabel(flavor)}${didYouMean}.`, {
      hint: keysHint(flavor, schema),
    });
  }
  if (required.length > 0) {
    const quoted = required.map((k) => `'${k}'`).join(", ");
    const group = componentType(flavor.type).cliGroup;
    throw new ValidationError(`Cannot remove ${quoted}: the ${flavorLabel(flavor)} requires ${required.length > 1 ? "them" : "it"}.`, {
      hint: `Give ${required.length > 1 ? "them other values" : "it another value"} instead: \`zen ${group} update <name> --${required[0]}=<value>\`.`,
    });
  }
  return parseComponentConfig(flavor, {}, remaining);
}
