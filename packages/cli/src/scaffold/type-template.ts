/** What the scaffold needs to know about one component type to write a working flavor package. */
import type { ScaffoldNames } from "./names.ts";

export interface TypeTemplate {
  /** One line for the flavor's `description`. */
  description(n: ScaffoldNames): string;
  /** The fields of the config schema's `z.object({ … })`, as source lines (indented four spaces). */
  configFields(n: ScaffoldNames): string;
  /** Whether `configFields` uses `secretField()` (then flavors.ts imports it). */
  usesSecretField: boolean;
  /** A config the flavor accepts, as `zen <type> register` options (used in the README and the test). */
  exampleConfig(n: ScaffoldNames): Record<string, string>;
  /** Configs the flavor refuses (the test checks each one). */
  invalidConfigs(n: ScaffoldNames): Record<string, unknown>[];
  /** The implementation module (`src/<module>.ts`): a working skeleton that passes the conformance suite. */
  implementation(n: ScaffoldNames): string;
  /** The body of the test file after its imports of the flavor and the implementation. */
  test(n: ScaffoldNames): { imports: string[]; body: string };
  /** README paragraph: what the skeleton does and what to replace. */
  readme(n: ScaffoldNames): string;
}

/** A flat record as TypeScript source: `{ path: "x", root: "y" }`. */
export function literal(value: Record<string, unknown>): string {
  const entries = Object.entries(value).map(([key, v]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${JSON.stringify(v)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

/** A list of flat records, one per line, indented for a property of an object at `indent`. */
export function literalList(values: Record<string, unknown>[], indent: string): string {
  if (values.length === 0) return "[]";
  return `[\n${values.map((v) => `${indent}  ${literal(v)},`).join("\n")}\n${indent}]`;
}
