/**
 * The discovery index from its parts: the built-ins and one inspection per candidate, with the
 * conflicts between them named. A package may not take a built-in's name (the built-in is used), and
 * two packages providing the same flavor are a conflict; either way each package keeps its own flavor
 * (a component registered with it still loads it), the conflict is a problem `zen doctor` and the
 * flavor list show, and the registry decides what a name means (registry.ts).
 */
import { join, sep } from "node:path";
import { componentType } from "../component-types.ts";
import type { Candidate } from "./candidates.ts";
import { DISCOVERY_CACHE_FORMAT } from "./constants.ts";
import { corePackage } from "./core-package.ts";
import type { CandidateReport, DiscoveryIndex, IndexedPackage, WatchedFile } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo } from "./flavor-info.ts";
import { flavorKey, type Inspection } from "./inspection.ts";
import { fileStamp } from "./package-json.ts";

/** Installed under some node_modules, as opposed to linked from a workspace (whose files change in place). */
export function isInstalled(path: string): boolean {
  return path.split(sep).includes("node_modules");
}

/** The message for a flavor claimed by a built-in and a package, or by two packages. */
export function conflictMessage(type: string, name: string, owners: readonly string[]): string {
  const display = componentType(type as FlavorInfo["type"]).displayName;
  if (owners.length === 1) {
    return `Package '${owners[0]}' provides the ${display} flavor '${name}', which is built into zen: the built-in one is used.`;
  }
  const named = owners.map((owner) => `'${owner}'`);
  const list = named.length === 2 ? named.join(" and ") : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
  return `Packages ${list} both provide the ${display} flavor '${name}'.`;
}

function recordConflicts(builtins: readonly FlavorInfo[], packages: IndexedPackage[], problems: DiscoveryProblem[], reports: CandidateReport[]): void {
  const builtinKeys = new Set(builtins.map(flavorKey));
  const owners = new Map<string, IndexedPackage[]>();
  for (const pkg of packages) {
    for (const info of pkg.flavors) owners.set(flavorKey(info), [...(owners.get(flavorKey(info)) ?? []), pkg]);
  }
  const conflicted = new Map<IndexedPackage, Set<string>>();
  const note = (pkg: IndexedPackage, key: string, message: string) => {
    conflicted.set(pkg, (conflicted.get(pkg) ?? new Set()).add(key));
    const report = reports.find((r) => r.package === pkg.name);
    if (report) report.problem = report.problem ? `${report.problem} ${message}` : message;
  };
  for (const [key, claimants] of owners) {
    const [type, name] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
    if (builtinKeys.has(key)) {
      for (const pkg of claimants) {
        const message = conflictMessage(type, name, [pkg.name]);
        problems.push({ package: pkg.name, root: pkg.root, phase: "conflict", message, hint: `Rename the flavor in ${pkg.name}, or uninstall it.` });
        note(pkg, key, message);
      }
    } else if (claimants.length > 1) {
      const message = conflictMessage(
        type,
        name,
        claimants.map((pkg) => pkg.name),
      );
      const hint = "Uninstall one of them (or remove it from package.json); components registered with one keep using it.";
      problems.push({ package: claimants.at(-1)!.name, root: claimants.at(-1)!.root, phase: "duplicate", message, hint });
      for (const pkg of claimants) note(pkg, key, message);
    }
  }
  // A package whose every flavor is unusable or in conflict is shown as broken.
  for (const [pkg, keys] of conflicted) {
    const report = reports.find((r) => r.package === pkg.name);
    if (report && pkg.flavors.every((f) => !f.ready || keys.has(flavorKey(f)))) report.status = "broken";
  }
}

/** Builds the index a scan yields (the cache stores it). */
export function assembleIndex(
  builtins: FlavorInfo[],
  candidates: readonly Candidate[],
  inspections: readonly Inspection[],
  key: string,
  sourceProblems: readonly DiscoveryProblem[] = [],
): DiscoveryIndex {
  const core = corePackage();
  const watch: WatchedFile[] = [];
  if (!isInstalled(core.root)) {
    // core run from a workspace: its built-in flavors may change without a version bump
    // (the source file: the compiled one is bundled into a chunk whose name changes with its content)
    const builtinFile = join(core.root, "src", "flavors", "builtin.ts");
    watch.push({ path: builtinFile, stamp: fileStamp(builtinFile) });
  }
  const packages: IndexedPackage[] = [];
  const problems: DiscoveryProblem[] = [...sourceProblems];
  const reports: CandidateReport[] = [];
  inspections.forEach((result, position) => {
    if (!result) throw new Error(`No inspection of ${candidates[position]?.name ?? `candidate #${position + 1}`}.`);
    reports.push(result.report);
    if (result.pkg) packages.push(result.pkg);
    if (result.problem) problems.push(result.problem);
    watch.push(...result.watch);
  });
  recordConflicts(builtins, packages, problems, reports);
  return {
    format: DISCOVERY_CACHE_FORMAT,
    key,
    createdAt: new Date().toISOString(),
    coreVersion: core.version,
    builtins,
    packages,
    problems,
    candidates: reports,
    watch,
  };
}
