/**
 * What the zen command line needs of core at start-up: the vocabulary (errors, component types,
 * wording) and a loader for the facade. The CLI's build compiles this module into its own start-up
 * chunk (`--inline`), so `zen --help` resolves no `@zen/core/…` specifier: Node resolves each bare
 * specifier on its own, ~2 ms for the first (node_modules lookups, the exports map, a realpath).
 * A process can have two copies of it: its only state is a memo of the facade's load (Node's module
 * cache makes both copies get the same module).
 */
import { createRequire } from "node:module";

export * from "./component-types.ts";
export * from "./errors.ts";

type ZenModule = typeof import("./zen/index.ts");

// Built, core is plain ES modules, which `require` loads synchronously (Node ≥ 20.19): `import()`
// reads every file of a graph through fs/promises and a round trip to libuv's thread pool, ~2.5 ms of
// `zen stack list`. Run from sources (tsx, Jest), `require` would compile a second, CommonJS copy of
// core: there it is `import()`. The package's own name resolves from core and from the CLI alike.
// `require` refuses a module an `import()` is still loading ("not yet fully loaded"): nothing imports
// the facade before the CLI opens it, and the one load is shared by every caller.
const fromSources = import.meta.url.endsWith(".ts");
let zen: Promise<ZenModule> | undefined;

/** The `Zen` facade's module, loaded on first use: `zen --help` never needs it. */
export function loadZen(): Promise<ZenModule> {
  zen ??= fromSources ? import("@zen/core/zen") : Promise.resolve().then(() => createRequire(import.meta.url)("@zen/core/zen") as ZenModule);
  zen.catch(() => (zen = undefined));
  return zen;
}
