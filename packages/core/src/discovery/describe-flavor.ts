/**
 * A loaded flavor → the JSON-serialisable FlavorInfo kept in the discovery index: its config as JSON
 * Schema (input shape: fields with defaults are optional) and the names of its secret fields.
 */
import { z } from "zod";
import type { ComponentType } from "../component-types.ts";
import type { FlavorInfo, FlavorSource } from "./flavor-info.ts";
import { secretFieldsOf, type JsonSchema } from "./json-schema.ts";

/**
 * The parts of a flavor that describe it (any Flavor<Config> fits, whatever its config type). Spelled
 * out rather than picked from flavor.ts, which imports this module.
 */
export interface FlavorDescriptor {
  type: ComponentType;
  name: string;
  description: string;
  config: unknown;
}

const schemas = new WeakMap<object, JsonSchema>();
const OPTIONS = { io: "input", unrepresentable: "any" } as const;

/**
 * The config schema as JSON Schema. Uses the schema's own `toJSONSchema` first (a plugin may carry its
 * own zod copy), then core's; a schema neither can convert yields `{}` (keys are then not checked).
 */
export function configJsonSchema(flavor: Pick<FlavorDescriptor, "config">): JsonSchema {
  const config = flavor.config as object;
  const cached = typeof config === "object" && config !== null ? schemas.get(config) : undefined;
  if (cached) return cached;
  let schema: JsonSchema = {};
  const attempts: (() => unknown)[] = [
    () => (config as { toJSONSchema?: (o: unknown) => unknown }).toJSONSchema?.(OPTIONS),
    () => z.toJSONSchema(config as z.ZodType, OPTIONS),
  ];
  for (const attempt of attempts) {
    try {
      const result = attempt();
      if (typeof result === "object" && result !== null) {
        schema = { ...(result as JsonSchema) };
        break;
      }
    } catch {
      // not a zod 4 schema (or not representable): try the next converter
    }
  }
  delete schema.$schema;
  if (typeof config === "object" && config !== null) schemas.set(config, schema);
  return schema;
}

export function describeFlavor(flavor: FlavorDescriptor, source: FlavorSource): FlavorInfo {
  const configSchema = configJsonSchema(flavor);
  return {
    type: flavor.type,
    name: flavor.name,
    description: typeof flavor.description === "string" ? flavor.description : "",
    source,
    configSchema,
    secretFields: secretFieldsOf(configSchema),
    ready: true,
  };
}
