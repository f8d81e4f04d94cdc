/**
 * The facts about flavors that every layer shares, in a module that imports nothing: discovery reads
 * them on every `zen` start without loading flavor.ts (which loads zod).
 */

/** The flavor contract version. A package declares it in `package.json` under `zen.apiVersion`. */
export const FLAVOR_API_VERSION = 1;

/** JSON-Schema keyword that marks a config field as secret (survives in the cached index). */
export const SECRET_KEYWORD = "x-zen-secret";

/** Where a flavor comes from: built into @zen/core, an installed package, or a custom module. */
export type FlavorSource =
  | { kind: "builtin"; package: "@zen/core" }
  | { kind: "package"; package: string; version: string; root: string }
  | { kind: "custom"; specifier: string; root: string };
