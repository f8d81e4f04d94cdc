/**
 * What the zen command line needs of core at start-up: the vocabulary (errors, component types,
 * wording) and a loader for the facade. The CLI's build compiles this module into its own start-up
 * chunk (`--inline`), so `zen --help` resolves no `@zen/core/…` specifier: Node resolves each bare
 * specifier on its own, ~2 ms for the first (node_modules lookups, the exports map, a realpath).
 * Nothing here may hold state: a process can have two copies of it.
 */
import { loadOwnEntry } from "./fs/own-entry.ts";

export * from "./component-types.ts";
export * from "./errors.ts";

/** The `Zen` facade's module, loaded on first use: `zen --help` never needs it. */
export function loadZen(): Promise<typeof import("./zen/index.ts")> {
  return loadOwnEntry("@zen/core/zen", () => import("@zen/core/zen"));
}
