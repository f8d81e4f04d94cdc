/** Looking at what a run left on disk: every file under a directory, leftovers, and byte-exact snapshots. */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file (not directory) under `dir`, as paths relative to it; symlinks are not followed. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    let entries: string[];
    try {
      entries = readdirSync(current);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** Temp files and lock files: what a finished writer must never leave behind. */
export function leftovers(dir: string): string[] {
  return listFiles(dir).filter((file) => /\.tmp$|\.lock$|\.lock\//.test(file));
}

/** path → sha256 of every file under `dir` (`filter` drops paths from the comparison). */
export function hashTree(dir: string, filter: (file: string) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of listFiles(dir)) {
    if (!filter(file)) continue;
    try {
      out[file] = createHash("sha256")
        .update(readFileSync(join(dir, file)))
        .digest("hex")
        .slice(0, 16);
    } catch {
      out[file] = "(unreadable)";
    }
  }
  return out;
}
