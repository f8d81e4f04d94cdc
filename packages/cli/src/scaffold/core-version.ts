/** The version of the @zen/core this CLI runs with (what flavor packages' peer ranges must admit). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

let memo: string | undefined;

export function corePackageVersion(): string {
  if (memo) return memo;
  const manifest = createRequire(import.meta.url).resolve("@zen/core/package.json");
  memo = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  return memo;
}
