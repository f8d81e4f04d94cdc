/**
 * Reading and resolving packages without importing them: package.json lookup from a directory,
 * install stamps, and the `exports` map (so a flavors subpath resolves with ESM conditions from the
 * package's own location, whether it sits in the project, next to the CLI, or in a global prefix).
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { corePackage } from "./core-package.ts";

export interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  packageManager?: string;
  zen?: unknown;
}

/** Parsed JSON, or undefined when the file does not exist. Throws on malformed JSON. */
export function readJsonFile<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") {
      return undefined;
    }
    throw error;
  }
  return JSON.parse(text) as T;
}

/** `mtime:size` of a file (following symlinks), or `-` when it does not exist: cheap change detection. */
export function fileStamp(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}` : "-";
}

/** Finds `node_modules/<name>/package.json` the way Node looks a package up, but with stats only. */
export function findInstalledPackageJson(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export type PackageJsonLookup =
  | { status: "found"; path: string }
  /** Installed, but its `exports` lack `./package.json` (found by a node_modules lookup instead). */
  | { status: "not-exported"; path: string | undefined }
  | { status: "missing"; message: string };

function exportsPackageJson(path: string): boolean {
  const pkg = readJsonFile<PackageJson>(path);
  if (pkg?.exports === undefined) return true;
  return resolveExportPath(dirname(path), pkg, "./package.json", ["require", "node", "default"]) !== undefined;
}

/**
 * Resolves `<name>/package.json` from `fromDir` as Node would (through `exports`). The `exports`
 * check is also done by hand: not every host's createRequire enforces it (Jest's reports such a
 * package as missing), and the answer must not depend on the host.
 */
export function lookupPackageJson(name: string, fromDir: string): PackageJsonLookup {
  let resolved: string | undefined;
  let failure: unknown;
  try {
    resolved = createRequire(join(fromDir, "package.json")).resolve(`${name}/package.json`);
  } catch (error) {
    failure = error;
  }
  const installed = findInstalledPackageJson(name, fromDir);
  // A package reachable only through NODE_PATH or a global folder is not installed for the project:
  // flavors are loaded with `import`, which searches neither (pnpm's bin shims set NODE_PATH to its
  // hoisting directory, so this would otherwise depend on how zen was started).
  if (resolved && !installed) {
    resolved = undefined;
    failure = new Error(`Cannot find package '${name}' in a node_modules directory of ${fromDir}`);
  }
  const path = resolved ?? installed;
  if (!path) {
    return { status: "missing", message: (failure as Error | undefined)?.message.split("\n")[0] ?? `Cannot find ${name}` };
  }
  if ((failure as NodeJS.ErrnoException | undefined)?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || !exportsPackageJson(path)) {
    return { status: "not-exported", path };
  }
  return { status: "found", path };
}

let conditionsMemo: string[] | undefined;

/** The export conditions an `import()` in this process uses (plus `zen-source` when core runs from source). */
export function importConditions(): string[] {
  if (conditionsMemo) return conditionsMemo;
  const extra: string[] = [];
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean)];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (inline?.[1]) extra.push(inline[1]);
    else if ((arg === "--conditions" || arg === "-C") && args[i + 1]) extra.push(args[++i] ?? "");
  }
  // Workspace packages point `zen-source` at their TypeScript; only a host that runs core's own
  // TypeScript (jest, tsx) can import those files.
  if (corePackage().fromSource) extra.push("zen-source");
  conditionsMemo = [...new Set([...extra, "import", "node", "default"])];
  return conditionsMemo;
}

function resolveTarget(target: unknown, conditions: ReadonlySet<string>, star: string | undefined): string | null | undefined {
  if (target === null) return null;
  if (typeof target === "string") {
    if (!target.startsWith("./")) return undefined;
    return star === undefined ? target : target.replaceAll("*", star);
  }
  if (Array.isArray(target)) {
    for (const item of target) {
      const resolved = resolveTarget(item, conditions, star);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (typeof target === "object") {
    for (const [condition, value] of Object.entries(target as Record<string, unknown>)) {
      if (condition !== "default" && !conditions.has(condition)) continue;
      const resolved = resolveTarget(value, conditions, star);
      if (resolved !== undefined) return resolved;
    }
  }
  return undefined;
}

/**
 * The file an export subpath (`"./flavors"`) of the package at `root` maps to, or undefined when the
 * package does not export it. Packages without `exports` map the subpath to a file in the package.
 */
export function resolveExportPath(root: string, pkg: PackageJson, subpath: string, conditions: readonly string[] = importConditions()): string | undefined {
  const exportsField = pkg.exports;
  if (exportsField === undefined) {
    const relative = subpath === "." ? (pkg.main ?? "index.js") : subpath;
    for (const suffix of ["", ".js", ".mjs", ".cjs", "/index.js"]) {
      const file = join(root, relative + suffix);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
    return undefined;
  }
  const isSubpathMap =
    typeof exportsField === "object" && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((key) => key.startsWith("."));
  const map = (isSubpathMap ? exportsField : { ".": exportsField }) as Record<string, unknown>;
  const set = new Set(conditions);
  let target: string | null | undefined;
  if (Object.hasOwn(map, subpath) && !subpath.includes("*")) {
    target = resolveTarget(map[subpath], set, undefined);
  } else {
    let best: { key: string; prefix: string; suffix: string } | undefined;
    for (const key of Object.keys(map)) {
      const star = key.indexOf("*");
      if (star < 0 || key.indexOf("*", star + 1) >= 0) continue;
      const prefix = key.slice(0, star);
      const suffix = key.slice(star + 1);
      if (subpath.length >= key.length && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
        if (!best || prefix.length > best.prefix.length) best = { key, prefix, suffix };
      }
    }
    if (best) {
      const star = subpath.slice(best.prefix.length, subpath.length - best.suffix.length);
      target = resolveTarget(map[best.key], set, star);
    }
  }
  return typeof target === "string" ? join(root, target) : undefined;
}
