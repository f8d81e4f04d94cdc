/**
 * What the zen command line needs of core at start-up: the vocabulary (errors, component types,
 * wording) and a loader for the facade. The CLI's build compiles this module into its own start-up
 * chunk (`--inline`), so `zen --help` resolves no `@zen/core/…` specifier: Node resolves each bare
 * specifier on its own, ~2 ms for the first (node_modules lookups, the exports map, a realpath).
 * Nothing here may hold state: a process can have two copies of it.
 */
import { createRequire } from "node:module";

export * from "./component-types.ts";
export * from "./errors.ts";

type ZenModule = typeof import("./zen/index.ts");

// Built, core is plain ES modules, which `require` loads synchronously (Node ≥ 20.19): `import()`
// reads every file of a graph through fs/promises and a round trip to libuv's thread pool, ~2.5 ms
// of `zen stack list`. Run from sources (tsx, Jest), `require` would compile a second, CommonJS copy
// of core: there it is `import()`. The package's own name resolves from core and from the CLI alike.
const fromSources = import.meta.url.endsWith(".ts");

/** The `Zen` facade's module, loaded on first use: `zen --help` never needs it. */
export function loadZen(): Promise<ZenModule> {
  if (fromSources) return import("@zen/core/zen");
  return Promise.resolve().then(() => createRequire(import.meta.url)("@zen/core/zen") as ZenModule);
}
