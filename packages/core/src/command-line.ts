/**
 * What the zen command line needs of core at start-up, behind one specifier: the vocabulary (errors,
 * component types, wording) and a loader for the facade. Node resolves every bare `@zen/core/…`
 * specifier on its own, ~1 ms each and ~2 ms for the first (node_modules lookups, the exports map, a
 * realpath), so the CLI resolves this entry alone and reaches the facade by core's relative import.
 */
export * from "./component-types.ts";
export * from "./errors.ts";

/** The `Zen` facade's module, loaded on first use: `zen --help` never needs it. */
export function loadZen(): Promise<typeof import("./zen/index.ts")> {
  return import("./zen/index.ts");
}
