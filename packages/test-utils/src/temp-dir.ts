/** Temporary directories for tests, removed when the test process exits (kept with ZEN_KEEP_TEMP=1). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const created: string[] = [];
let cleanupRegistered = false;

function registerCleanup(): void {
  if (cleanupRegistered || process.env.ZEN_KEEP_TEMP === "1") return;
  cleanupRegistered = true;
  process.on("exit", () => {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh directory under the OS temp dir; its path is real (no symlinks), so path comparisons hold. */
export function makeTempDir(prefix = "zen-test-"): string {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), prefix));
  created.push(dir);
  registerCleanup();
  return dir;
}

/** Writes `files` (relative path → contents) under `dir`, creating directories; returns `dir`. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [relative, contents] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
  }
  return dir;
}
