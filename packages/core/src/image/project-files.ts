/**
 * The files of a project's step image: its code (everything but dependencies, VCS data and build
 * caches) and its production dependencies (`dependencies` of package.json, transitively, as resolved
 * in node_modules, symlinks followed: pnpm's and workspace links become plain directories).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { ValidationError } from "../errors.ts";
import type { TarEntry } from "./tar.ts";

/** Never part of the code layer. */
const SKIPPED = new Set(["node_modules", ".git", ".hg", ".svn", ".zen", ".turbo", ".services", ".cache", "coverage"]);

function walk(dir: string, prefix: string, out: TarEntry[], skip: (name: string) => boolean): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (skip(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const inImage = `${prefix}/${entry.name}`;
    let stats;
    try {
      stats = statSync(full);
    } catch {
      continue; // A dangling link: nothing to copy.
    }
    if (stats.isDirectory()) walk(full, inImage, out, (name) => name === "node_modules" || name === ".git");
    else if (stats.isFile()) out.push({ path: inImage, type: "file", data: readFileSync(full), executable: (stats.mode & 0o111) !== 0 });
  }
}

/** The project's code under `dest` (default `app`). */
export function codeEntries(projectDir: string, dest = "app"): TarEntry[] {
  const out: TarEntry[] = [];
  walk(projectDir, dest, out, (name) => SKIPPED.has(name));
  return out;
}

function readManifest(dir: string): { name?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
}

/** Where Node finds package `name` from `fromDir` (walking up node_modules), real path; undefined if absent. */
function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    try {
      if (statSync(path.join(candidate, "package.json")).isFile()) return realpathSync(candidate);
    } catch {
      // Not here: look further up.
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Production dependencies under `dest/node_modules` (default `app`), hoisted where names do not
 * clash, nested under their dependant otherwise. A missing required dependency is an error.
 */
export function dependencyEntries(projectDir: string, dest = "app"): TarEntry[] {
  const out: TarEntry[] = [];
  const placed = new Map<string, string>(); // install path in the image → real dir
  const queue: { dir: string; inImage: string }[] = [{ dir: realpathSync(projectDir), inImage: dest }];
  while (queue.length > 0) {
    const { dir, inImage } = queue.shift()!;
    const manifest = readManifest(dir);
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional].sort()) {
      const real = findPackage(name, dir);
      if (!real) {
        if (optional.includes(name)) continue;
        throw new ValidationError(`Dependency '${name}' of ${manifest.name ?? dir} is not installed, so the step image cannot include it.`, {
          hint: "Install the project's dependencies (e.g. `npm install`) before building the step image.",
        });
      }
      const hoisted = `${dest}/node_modules/${name}`;
      const target = !placed.has(hoisted) || placed.get(hoisted) === real ? hoisted : `${inImage}/node_modules/${name}`;
      if (placed.get(target) === real) continue;
      if (placed.has(target)) continue; // A cycle through two versions: the first placed wins.
      placed.set(target, real);
      walk(real, target, out, (n) => n === "node_modules" || n === ".git");
      queue.push({ dir: real, inImage: target });
    }
  }
  return out;
}
