/**
 * The installed @zen/cli package: its version, and its root (packages installed next to the CLI are
 * flavor candidates). Found by walking up from this module, which works from source, from the
 * bundled chunks in dist/, and from a global install.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let memo: { root: string; version: string } | undefined;

export function cliPackage(): { root: string; version: string } {
  if (memo) return memo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    // A stat, not a read that throws: building an ENOENT error costs more than the lookup (every start).
    const file = join(dir, "package.json");
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "@zen/cli") return (memo = { root: dir, version: pkg.version ?? "0.0.0" });
      } catch {
        /* unreadable: keep walking up */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return (memo = { root: dirname(fileURLToPath(import.meta.url)), version: "0.0.0" });
    dir = parent;
  }
}
