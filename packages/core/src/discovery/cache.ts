/**
 * The discovery cache: `<project>/node_modules/.cache/zen/discovery-v1.json`, or
 * `<cacheDir>/<sha1(project)>.json` when the project has no writable node_modules. A warm check costs
 * a few stats and one JSON read: the key hashes core's version, the dependency lists, the install
 * stamp and each dependency's package.json stamp (workspace links change without a reinstall).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DependencySources } from "./candidates.ts";
import { CACHE_FILE_NAME, DISCOVERY_API_VERSION, DISCOVERY_CACHE_FORMAT } from "./constants.ts";
import { corePackage } from "./core-package.ts";
import type { DiscoveryIndex } from "./discovery-index.ts";
import { fileStamp, findInstalledPackageJson } from "./package-json.ts";

const INSTALL_STAMPS = [
  "node_modules/.modules.yaml", // pnpm
  "node_modules/.package-lock.json", // npm
  "node_modules/.yarn-state.yml", // yarn berry (node-modules linker)
  "node_modules/.yarn-integrity", // yarn classic
  "pnpm-lock.yaml",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "bun.lock",
  "bun.lockb",
];

/** The stamp of the nearest install (a workspace member's install lives at the workspace root). */
export function installStamp(root: string): string {
  let dir = root;
  for (;;) {
    for (const name of INSTALL_STAMPS) {
      const path = join(dir, name);
      const stamp = fileStamp(path);
      if (stamp !== "-") return `${path}@${stamp}`;
    }
    const parent = dirname(dir);
    if (parent === dir) return "-";
    dir = parent;
  }
}

function dependencyStamps(root: string, dependencies: Record<string, string>): [string, string, string][] {
  return Object.keys(dependencies)
    .sort()
    .map((name) => {
      const path = findInstalledPackageJson(name, root);
      return [name, dependencies[name] ?? "", path ? fileStamp(path) : "-"];
    });
}

export function discoveryKey(sources: DependencySources): string {
  const core = corePackage();
  const parts = {
    format: DISCOVERY_CACHE_FORMAT,
    core: [core.version, core.root],
    apiVersion: DISCOVERY_API_VERSION,
    unreadable: sources.problems.map((problem) => problem.message),
    project: sources.project && {
      root: sources.project.root,
      install: installStamp(sources.project.root),
      dependencies: dependencyStamps(sources.project.root, sources.project.dependencies),
    },
    cli: sources.cli && {
      root: sources.cli.root,
      install: installStamp(sources.cli.root),
      dependencies: dependencyStamps(sources.cli.root, sources.cli.dependencies),
    },
    global: sources.global && {
      dir: sources.global.dir,
      packages: sources.global.names.map((name) => [name, fileStamp(join(sources.global!.dir, name, "package.json"))]),
    },
  };
  // Compared for equality, so the key is the inputs themselves: hashing would load node:crypto on every start.
  return JSON.stringify(parts);
}

export interface CacheLocations {
  /** In the project's node_modules, when it has one. */
  primary: string | undefined;
  /** Under the user's cache dir; computed on first use (hashing loads node:crypto, which a warm start skips). */
  readonly fallback: string;
}

export function cacheLocations(projectRoot: string | undefined, cliRoot: string | undefined, cacheDir: string): CacheLocations {
  const hasNodeModules = projectRoot !== undefined && statSync(join(projectRoot, "node_modules"), { throwIfNoEntry: false })?.isDirectory();
  const identity = projectRoot ?? `cli:${cliRoot ?? ""}`;
  let fallback: string | undefined;
  return {
    primary: hasNodeModules ? join(projectRoot, "node_modules", ".cache", "zen", CACHE_FILE_NAME) : undefined,
    get fallback() {
      fallback ??= join(cacheDir, `${process.getBuiltinModule("node:crypto").createHash("sha1").update(identity).digest("hex")}.json`);
      return fallback;
    },
  };
}

/** The cache files in the order they are tried; the fallback is only named when reached. */
function* cacheFiles(locations: CacheLocations): Generator<string> {
  if (locations.primary) yield locations.primary;
  yield locations.fallback;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isListOf = (value: unknown, item: (entry: unknown) => boolean) => Array.isArray(value) && value.every(item);
const isFlavorInfo = (value: unknown) =>
  isObject(value) && typeof value.type === "string" && typeof value.name === "string" && isObject(value.source) && isObject(value.configSchema);

/**
 * Whether a parsed cache file has the index's shape. Anything else (`null`, a hand-edited or damaged
 * file, a half-written one from another tool) is not an error: the cache is discarded and rebuilt.
 */
export function isIndexShape(value: unknown): value is DiscoveryIndex {
  return (
    isObject(value) &&
    value.format === DISCOVERY_CACHE_FORMAT &&
    typeof value.key === "string" &&
    isListOf(value.builtins, isFlavorInfo) &&
    isListOf(value.packages, (p) => isObject(p) && typeof p.name === "string" && isListOf(p.flavors, isFlavorInfo)) &&
    isListOf(value.problems, (p) => isObject(p) && typeof p.package === "string" && typeof p.message === "string") &&
    isListOf(value.candidates, (c) => isObject(c) && typeof c.package === "string" && Array.isArray(c.flavors)) &&
    isListOf(value.watch, (w) => isObject(w) && typeof w.path === "string" && typeof w.stamp === "string") &&
    (value.formerFlavors === undefined || isListOf(value.formerFlavors, (f) => isObject(f) && typeof f.name === "string"))
  );
}

function isCurrent(index: DiscoveryIndex, key: string): boolean {
  return index.key === key && index.watch.every((file) => fileStamp(file.path) === file.stamp);
}

/** The cached index if it matches `key` and none of its watched files changed. */
export function readCachedIndex(locations: CacheLocations, key: string): { index: DiscoveryIndex; file: string } | undefined {
  for (const file of cacheFiles(locations)) {
    let index: unknown;
    try {
      index = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue; // missing or damaged: the cache is only an optimisation, rediscover
    }
    if (isIndexShape(index) && isCurrent(index, key)) return { index, file };
  }
  return undefined;
}

/** The index last written to the cache, whatever its key (what packages provided before this scan). */
export function readPreviousIndex(locations: CacheLocations): DiscoveryIndex | undefined {
  for (const file of cacheFiles(locations)) {
    try {
      const index: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (isIndexShape(index)) return index;
    } catch {
      // missing or damaged: nothing to remember
    }
  }
  return undefined;
}

/** Writes the index atomically; returns the file written, or undefined when no location is writable. */
export async function writeCachedIndex(locations: CacheLocations, index: DiscoveryIndex): Promise<string | undefined> {
  const { writeFileAtomic } = await import("../fs/atomic-write.ts"); // only on a miss
  for (const file of cacheFiles(locations)) {
    try {
      await writeFileAtomic(file, `${JSON.stringify(index, null, 1)}\n`, 0o644);
      return file;
    } catch {
      // read-only node_modules (or cache dir): try the next location
    }
  }
  return undefined;
}
