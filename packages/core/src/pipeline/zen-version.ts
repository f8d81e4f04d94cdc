import { createRequire } from "node:module";

let version: string | undefined;

/** The @zen/core version, recorded with every run (src/ and dist/ sit at the same depth). */
export function zenVersion(): string {
  if (version === undefined) {
    try {
      version = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
    } catch {
      version = "unknown";
    }
  }
  return version;
}
