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

/** `{ a: "x" }` as TypeScript source. */
export function literal(value: unknown): string {
  return JSON.stringify(value, null, 0).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, "$1: ").replace(/,(?=[A-Za-z_"])/g, ", ");
}
