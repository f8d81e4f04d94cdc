/** Reading the JSON Schema of a flavor's config (as cached in the index): properties, variants, secrets. */
import { SECRET_KEYWORD } from "../flavor-terms.ts";
import type { FlavorInfo } from "./flavor-info.ts";

export type JsonSchema = Record<string, unknown>;

/** Follows local `$ref`s (`#/$defs/x`) inside `root`. */
export function derefSchema(schema: unknown, root: JsonSchema): JsonSchema {
  let current = schema as JsonSchema | undefined;
  for (let depth = 0; depth < 10 && current && typeof current.$ref === "string"; depth++) {
    const ref = current.$ref as string;
    if (!ref.startsWith("#/")) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) target = (target as Record<string, unknown> | undefined)?.[part];
    current = target as JsonSchema | undefined;
  }
  return current ?? {};
}

/** A property schema and its alternatives (`anyOf`/`oneOf`/`allOf` members, e.g. of a nullable field). */
export function schemaVariants(schema: unknown, root: JsonSchema): JsonSchema[] {
  const resolved = derefSchema(schema, root);
  const variants = [resolved];
  for (const keyword of ["anyOf", "oneOf", "allOf"]) {
    const members = resolved[keyword];
    if (Array.isArray(members)) for (const member of members) variants.push(...schemaVariants(member, root));
  }
  return variants;
}

/** The object's properties, or undefined when the schema does not list them (keys cannot be checked). */
export function configProperties(schema: JsonSchema): Record<string, unknown> | undefined {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null ? (properties as Record<string, unknown>) : undefined;
}

/** Whether keys beyond `properties` are accepted (`z.looseObject`, catchall). */
export function allowsExtraKeys(schema: JsonSchema): boolean {
  const extra = schema.additionalProperties;
  return extra === true || (typeof extra === "object" && extra !== null);
}

export function requiredKeys(schema: JsonSchema): Set<string> {
  return new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
}

/** Names of the properties marked with `x-zen-secret: true`. */
export function secretFieldsOf(schema: JsonSchema): string[] {
  const properties = configProperties(schema) ?? {};
  return Object.keys(properties).filter((key) => schemaVariants(properties[key], schema).some((variant) => variant[SECRET_KEYWORD] === true));
}

/** The JSON types a property accepts (`string`, `number`, …); empty when the schema says nothing. */
export function acceptedTypes(property: unknown, root: JsonSchema): Set<string> {
  const types = new Set<string>();
  for (const variant of schemaVariants(property, root)) {
    const type = variant.type;
    if (typeof type === "string") types.add(type);
    else if (Array.isArray(type)) for (const t of type) if (typeof t === "string") types.add(t);
    const values = Array.isArray(variant.enum) ? variant.enum : "const" in variant ? [variant.const] : [];
    for (const value of values) types.add(value === null ? "null" : typeof value);
  }
  return types;
}

/** A short type label: `string`, `number`, `"a" | "b"`, `string | null`. */
export function typeLabel(property: unknown, root: JsonSchema): string {
  const labels: string[] = [];
  for (const variant of schemaVariants(property, root)) {
    if (Array.isArray(variant.enum)) labels.push(...variant.enum.map((v) => JSON.stringify(v)));
    else if ("const" in variant) labels.push(JSON.stringify(variant.const));
    else if (typeof variant.type === "string") labels.push(variant.type);
    else if (Array.isArray(variant.type)) labels.push(...(variant.type as string[]));
  }
  const unique = [...new Set(labels)];
  return unique.length > 0 ? unique.join(" | ") : "any";
}

export interface ConfigKeyDescription {
  key: string;
  type: string;
  required: boolean;
  secret: boolean;
  description?: string;
  default?: unknown;
}

/** The config keys of a flavor, from its cached JSON Schema (no import of the flavor needed). */
export function describeConfigKeys(info: Pick<FlavorInfo, "configSchema" | "secretFields">): ConfigKeyDescription[] {
  const schema = info.configSchema;
  const properties = configProperties(schema) ?? {};
  const required = requiredKeys(schema);
  const secrets = new Set(info.secretFields);
  return Object.keys(properties).map((key) => {
    const property = derefSchema(properties[key], schema);
    const description: ConfigKeyDescription = {
      key,
      type: typeLabel(property, schema),
      required: required.has(key),
      secret: secrets.has(key),
    };
    const text = schemaVariants(property, schema).find((v) => typeof v.description === "string")?.description;
    if (typeof text === "string") description.description = text;
    if ("default" in property) description.default = property.default;
    return description;
  });
}
