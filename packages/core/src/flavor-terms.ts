/**
 * The facts about flavors that every layer shares, in a module that imports nothing: discovery reads
 * them on every `zen` start without loading flavor.ts (which loads zod).
 */

/** The flavor contract version. A package declares it in `package.json` under `zen.apiVersion`. */
export const FLAVOR_API_VERSION = 1;

/** JSON-Schema keyword that marks a config field as secret (survives in the cached index). */
export const SECRET_KEYWORD = "x-zen-secret";

/**
 * JSON-Schema keyword marking a config field as a path on this machine (`.meta({ [LOCAL_PATH_KEYWORD]: true })`):
 * a relative value is resolved against the directory the command runs in and stored absolute, so the
 * component means the same place from any directory. Values with a URL scheme (`s3://`, `file:///`) stay as given.
 */
export const LOCAL_PATH_KEYWORD = "x-zen-local-path";

/** Where a flavor comes from: built into @zen/core, an installed package, or a custom module. */
export type FlavorSource =
  | { kind: "builtin"; package: "@zen/core" }
  | { kind: "package"; package: string; version: string; root: string }
  | { kind: "custom"; specifier: string; root: string };
