/**
 * What the zen command line needs of core at start-up, behind one specifier: the vocabulary (errors,
 * component types, wording) and a loader for the facade. Node resolves every bare `@zen/core/…`
 * specifier on its own, ~1 ms each and ~2 ms for the first (node_modules lookups, the exports map, a
 * realpath), so the CLI resolves this entry alone and reaches the facade by a path inside core.
 */
import { createRequire } from "node:module";

export * from "./component-types.ts";
export * from "./errors.ts";

type ZenModule = typeof import("./zen/index.ts");

// Built, core is plain ES modules, which `require` loads synchronously (Node ≥ 20.19; the package
// requires its own export, wherever the bundle put this code). `import()` reads every file of a graph through
// fs/promises and a round trip to libuv's thread pool, ~2.5 ms of `zen stack list`. Run from sources
// (tsx, Jest), `require` would compile a second, CommonJS copy of core: there it is `import()`.
const fromSources = import.meta.url.endsWith(".ts");

/** The `Zen` facade's module, loaded on first use: `zen --help` never needs it. */
export function loadZen(): Promise<ZenModule> {
  if (fromSources) return import("./zen/index.ts");
  return Promise.resolve().then(() => createRequire(import.meta.url)("@zen/core/zen") as ZenModule);
}
