/**
 * A driver package's vendored library (`dist/vendor/<name>.cjs`, see scripts/vendor-bundle.mjs), loaded
 * on its own: copied into an empty directory and required there by a fresh Node process, so any
 * package the bundle still requires instead of holding is a failure.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { basename, join } from "node:path";
import { makeTempDir } from "./temp-dir.ts";

/** The names the bundle exports. */
export function loadBundleAlone(file: string): string[] {
  const dir = makeTempDir("zen-vendored-");
  const copy = join(dir, basename(file));
  copyFileSync(file, copy);
  const script = `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(copy)}))));`;
  const result = spawnSync(process.execPath, ["-e", script], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`requiring ${basename(file)} on its own failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}
