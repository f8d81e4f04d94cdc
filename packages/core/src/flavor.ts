/**
 * A flavor is data plus a lazy implementation. The flavors module of a package imports no SDK:
 * `implementation()` is called only when a component of the flavor is actually used.
 */
import { z } from "zod";
import type { ComponentType } from "./component-types.ts";
import { configJsonSchema } from "./discovery/describe-flavor.ts";
import { configProperties, schemaVariants } from "./discovery/json-schema.ts";
import { ValidationError } from "./errors.ts";
import { FLAVOR_API_VERSION, SECRET_KEYWORD } from "./flavor-terms.ts";
import type { StackComponentClass } from "./stack-component.ts";

export { FLAVOR_API_VERSION, SECRET_KEYWORD } from "./flavor-terms.ts";

/** Brand string: checked instead of `instanceof`, so two copies of @zen/core interoperate. */
export const FLAVOR_BRAND = "@zen/Flavor";

/** `{{secret_name.key}}` */
export const SECRET_REFERENCE = /^\{\{\s*([A-Za-z0-9_.-]+?)\.([A-Za-z0-9_-]+)\s*\}\}$/;

/** One problem a flavor's stack validator found. */
export interface StackIssue {
  /** What is wrong, as a sentence. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

/** What a flavor's validator sees: the stack's components by type (records, no implementation). */
export interface StackView {
  name: string;
  components: Partial<Record<ComponentType, { name: string; flavor: string; config: Record<string, unknown> }>>;
}

export interface FlavorSpec<Config extends Record<string, unknown> = Record<string, unknown>> {
  type: ComponentType;
  name: string;
  description: string;
  /** A zod object schema for the component's configuration. */
  config: z.ZodType<Config>;
  /** Imports the implementation (the StackComponent subclass) on first use. */
  implementation: () => Promise<StackComponentClass<Config> | { default: StackComponentClass<Config> }>;
  /** Checks the rest of the stack; runs on register/update and before every run. */
  validateStack?: (stack: StackView, self: { name: string; config: Config }) => StackIssue[];
}

export interface Flavor<Config extends Record<string, unknown> = Record<string, unknown>> extends FlavorSpec<Config> {
  readonly $$type: typeof FLAVOR_BRAND;
  readonly apiVersion: number;
}

export function defineFlavor<Config extends Record<string, unknown>>(spec: FlavorSpec<Config>): Flavor<Config> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(spec.name)) {
    throw new Error(`Invalid flavor name '${spec.name}': use lower-case letters, digits, '-' and '_'.`);
  }
  const withDefaults = secretFieldsWithLiteralDefault(spec);
  if (withDefaults.length > 0) {
    const fields = withDefaults.map((f) => `'${f}'`).join(", ");
    throw new ValidationError(
      `The ${spec.type} flavor '${spec.name}' gives its secret field ${fields} a default value, which would be stored and shown in clear.`,
      {
        hint:
          "Remove the .default(...) from the secretField(): " +
          "a secret field takes only a {{secret_name.key}} reference, given when the component is registered.",
        code: "ZEN_INVALID_FLAVOR",
      },
    );
  }
  return Object.freeze({ ...spec, $$type: FLAVOR_BRAND, apiVersion: FLAVOR_API_VERSION });
}

export function isFlavor(value: unknown): value is Flavor {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Flavor).$$type === FLAVOR_BRAND &&
    typeof (value as Flavor).name === "string" &&
    typeof (value as Flavor).implementation === "function"
  );
}

/**
 * What `secretField()` returns: a zod string without `default`/`prefault` (a literal default would be
 * stored and shown in clear), and whose `.optional()` has none either. `defineFlavor` refuses a
 * default that gets past the types; reading and writing configs re-checks every secret field.
 */
export interface SecretField extends Omit<z.ZodString, "default" | "prefault" | "optional"> {
  optional(): Omit<z.ZodOptional<z.ZodString>, "default" | "prefault">;
}

/**
 * A config field holding a secret: it only accepts a reference `{{secret_name.key}}`, resolved through
 * the stack's secrets manager when the component is used, so the value is never stored in clear.
 */
export function secretField(description?: string): SecretField {
  return z
    .string()
    .regex(SECRET_REFERENCE, {
      message: "must be a secret reference like {{my_secret.key}}, not the secret itself (store it with `zen secret register my_secret --key=...`)",
    })
    .meta({ [SECRET_KEYWORD]: true, ...(description ? { description } : {}) });
}

/** Loads a flavor's implementation class, unwrapping a default export (CJS or ESM). */
export async function loadImplementation(flavor: Flavor): Promise<StackComponentClass> {
  let loaded: unknown = await flavor.implementation();
  for (let i = 0; i < 2 && typeof loaded === "object" && loaded !== null && "default" in loaded; i++) {
    loaded = (loaded as { default: unknown }).default;
  }
  if (typeof loaded !== "function") {
    throw new Error(`The implementation of ${flavor.type} flavor '${flavor.name}' is not a class.`);
  }
  return loaded as StackComponentClass;
}

/** Secret fields of a flavor's config schema that have a default other than a `{{name.key}}` reference. */
export function secretFieldsWithLiteralDefault(flavor: Pick<FlavorSpec, "config">): string[] {
  const schema = configJsonSchema(flavor);
  const properties = configProperties(schema) ?? {};
  return Object.keys(properties).filter((key) => {
    const variants = schemaVariants(properties[key], schema);
    if (!variants.some((v) => v[SECRET_KEYWORD] === true)) return false;
    return variants.some((v) => Object.hasOwn(v, "default") && !(typeof v.default === "string" && SECRET_REFERENCE.test(v.default)));
  });
}

/** Names of the `secretFields` whose value in `config` is set but is not a `{{name.key}}` reference. */
export function secretLiteralFields(config: Readonly<Record<string, unknown>>, secretFields: readonly string[]): string[] {
  return secretFields.filter((field) => {
    const value = config[field];
    return value !== undefined && value !== null && !(typeof value === "string" && SECRET_REFERENCE.test(value));
  });
}

/**
 * Throws a ValidationError when a secret field of `config` holds a value instead of a reference (a
 * schema default or transform can put one there after validation). Names the fields, never a value.
 * Call it wherever a component config is persisted or shown; `what` names the component.
 */
export function assertSecretReferences(config: Readonly<Record<string, unknown>>, secretFields: readonly string[], what: string): void {
  const literal = secretLiteralFields(config, secretFields);
  if (literal.length === 0) return;
  const fields = literal.map((f) => `'${f}'`).join(", ");
  throw new ValidationError(`Secret field ${fields} of ${what} holds a value instead of a {{secret_name.key}} reference, so it is neither stored nor shown.`, {
    hint:
      `Store the value with \`zen secret register <secret> --${literal[0]}=...\` and set the field to {{<secret>.${literal[0]}}}; ` +
      "if the flavor gives it a default, remove that default from its secretField().",
  });
}
