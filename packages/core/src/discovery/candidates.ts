/**
 * Where flavor packages may come from: never a glob of node_modules, only dependency lists —
 * the project's package.json (resolved from the project root, so a global `zen` sees the project's
 * packages), the CLI's own dependencies, and, for a global install, the packages installed next to
 * the CLI in the same node_modules (`npm i -g @zen/cli @zen/integration-s3`). A CLI installed in
 * the project adds nothing more (the project's node_modules also holds every transitive dependency);
 * one installed in another package's node_modules adds that package's dependency lists.
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import type { DiscoveryProblem } from "./flavor-info.ts";
import { readJsonFile, type PackageJson } from "./package-json.ts";

export type CandidateOrigin = "project" | "cli" | "global";

export interface Candidate {
  name: string;
  origin: CandidateOrigin;
  /** Directory the package is resolved from. */
  resolveFrom: string;
}

export interface DependencySources {
  project?: { root: string; dependencies: Record<string, string> };
  cli?: { root: string; dependencies: Record<string, string> };
  /** The node_modules directory the CLI is installed in, with its top-level package names. */
  global?: { dir: string; names: string[] };
  /** A package.json that could not be read (its dependencies are then not candidates). */
  problems: DiscoveryProblem[];
}

/** The node_modules directory that holds `packageRoot` (`…/node_modules/@zen/cli` → `…/node_modules`). */
export function enclosingNodeModules(packageRoot: string): string | undefined {
  let dir = dirname(packageRoot);
  if (basename(dir).startsWith("@")) dir = dirname(dir);
  return basename(dir) === "node_modules" ? dir : undefined;
}

/** Top-level package names of a node_modules directory: its entries and the entries of its @scope dirs. */
export function listNodeModules(dir: string): string[] {
  const names: string[] = [];
  const entries = (path: string) => {
    try {
      return readdirSync(path, { withFileTypes: true }).filter((e) => !e.name.startsWith(".") && (e.isDirectory() || e.isSymbolicLink()));
    } catch {
      return [];
    }
  };
  for (const entry of entries(dir)) {
    if (entry.name.startsWith("@")) {
      for (const scoped of entries(join(dir, entry.name))) names.push(`${entry.name}/${scoped.name}`);
    } else {
      names.push(entry.name);
    }
  }
  return names.sort();
}

function readManifest(root: string, owner: string, problems: DiscoveryProblem[]): PackageJson | undefined {
  const file = join(root, "package.json");
  try {
    return readJsonFile<PackageJson>(file);
  } catch (error) {
    problems.push({
      package: owner,
      root,
      phase: "metadata",
      message: `${file} is not valid JSON (${(error as Error).message.split("\n")[0]}), so its dependencies were not searched.`,
      hint: "Fix the JSON syntax of that file.",
    });
    return undefined;
  }
}

/**
 * The packages installed next to the CLI: the declared dependencies of the package owning that
 * node_modules (a pnpm global dir, a workspace root), else, for a plain global prefix that no
 * package.json owns, its top-level entries (each one installed explicitly).
 */
function packagesNextTo(dir: string): string[] {
  let owner: PackageJson | undefined;
  try {
    owner = readJsonFile<PackageJson>(join(dirname(dir), "package.json"));
  } catch {
    owner = undefined; // unreadable: fall back to the directory's entries
  }
  if (typeof owner !== "object" || owner === null) return listNodeModules(dir);
  const declared = owner as PackageJson & { optionalDependencies?: Record<string, string> };
  return Object.keys({ ...declared.optionalDependencies, ...declared.devDependencies, ...declared.dependencies }).sort();
}

export function readDependencySources(projectRoot: string | undefined, cliRoot: string | undefined): DependencySources {
  const sources: DependencySources = { problems: [] };
  if (projectRoot) {
    const pkg = readManifest(projectRoot, "(project)", sources.problems);
    if (pkg) sources.project = { root: projectRoot, dependencies: { ...pkg.devDependencies, ...pkg.dependencies } };
  }
  if (cliRoot) {
    const pkg = readManifest(cliRoot, "@zen/cli", sources.problems);
    if (pkg) sources.cli = { root: cliRoot, dependencies: { ...pkg.dependencies } };
    const dir = enclosingNodeModules(cliRoot);
    if (dir && !(projectRoot && `${dir}${sep}`.startsWith(`${projectRoot}${sep}`))) sources.global = { dir, names: packagesNextTo(dir) };
  }
  return sources;
}

/** One candidate per package name; the project's copy wins over the CLI's, which wins over a global sibling. */
export function candidatesOf(sources: DependencySources): Candidate[] {
  const seen = new Map<string, Candidate>();
  const add = (name: string, origin: CandidateOrigin, resolveFrom: string) => {
    if (!seen.has(name)) seen.set(name, { name, origin, resolveFrom });
  };
  if (sources.project) for (const name of Object.keys(sources.project.dependencies)) add(name, "project", sources.project.root);
  if (sources.cli) for (const name of Object.keys(sources.cli.dependencies)) add(name, "cli", sources.cli.root);
  if (sources.global) {
    // Resolve from the node_modules' parent so that `<dir>/<name>` itself is found first.
    for (const name of sources.global.names) add(name, "global", dirname(sources.global.dir));
  }
  return [...seen.values()];
}
