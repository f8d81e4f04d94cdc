/** The running copy of @zen/core: its version is what flavor packages' peer ranges are checked against. */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CorePackage {
  name: string;
  version: string;
  root: string;
  /** True when this module runs from TypeScript source (jest, tsx, bin/dev.js): the host can import `.ts`. */
  fromSource: boolean;
}

let memo: CorePackage | undefined;

export function corePackage(): CorePackage {
  if (memo) return memo;
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  for (;;) {
    const file = join(dir, "package.json");
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      memo = { name: pkg.name ?? "@zen/core", version: pkg.version ?? "0.0.0", root: dir, fromSource: here.endsWith(".ts") };
      return memo;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the package.json of @zen/core above ${here}.`);
    dir = parent;
  }
}
