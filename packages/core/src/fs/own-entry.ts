/**
 * Loads one of @zen/core's own entries on first use. Built, core is plain ES modules, which `require`
 * loads synchronously (Node ≥ 20.19): `import()` reads every file of a graph through fs/promises and a
 * round trip to libuv's thread pool, ~2.5 ms of `zen stack list`. Run from sources (tsx, Jest),
 * `require` would compile a second, CommonJS copy of core: there the caller's `import()` runs. The
 * package's own name resolves from core and from a package that bundles this module (the CLI) alike.
 * Only for an entry nothing else is importing at that moment: `require` refuses a module an `import()`
 * is still loading ("not yet fully loaded").
 */
import { createRequire } from "node:module";

const fromSources = import.meta.url.endsWith(".ts");
// One load per entry, shared by concurrent callers (Jest's module linker trips over concurrent first imports).
const loads = new Map<string, Promise<unknown>>();

/** `specifier` and `fromSource` name the same entry: `loadOwnEntry("@zen/core/zen", () => import("@zen/core/zen"))`. */
export function loadOwnEntry<T>(specifier: `@zen/core/${string}`, fromSource: () => Promise<T>): Promise<T> {
  let load = loads.get(specifier);
  if (!load) {
    load = fromSources ? fromSource() : Promise.resolve().then(() => createRequire(import.meta.url)(specifier));
    load.catch(() => loads.delete(specifier));
    loads.set(specifier, load);
  }
  return load as Promise<T>;
}
