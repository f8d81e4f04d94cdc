/** Temporary directories for tests, removed after each Jest test file or at process exit (kept with ZEN_KEEP_TEMP=1). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const created: string[] = [];
const keep = process.env.ZEN_KEEP_TEMP === "1";

/** Removes every directory made by makeTempDir so far (also done automatically, see below). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Under Jest this module is evaluated once per test file while the file is collected, so a root
// `afterAll` cleans up after that file (Jest's sandboxed `process` never sees an exit event).
// Elsewhere, clean up when the process exits.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
let hooked = false;
if (!keep && typeof jestAfterAll === "function") {
  try {
    jestAfterAll(removeTempDirs);
    hooked = true;
  } catch {
    hooked = false; // imported lazily from inside a test: fall back to the exit hook
  }
}
if (!keep && !hooked) process.on("exit", removeTempDirs);

/** A fresh directory under the OS temp dir; its path is real (no symlinks), so path comparisons hold. */
export function makeTempDir(prefix = "zen-test-"): string {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), prefix));
  if (!keep) created.push(dir);
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
