/**
 * A full discovery run (a cache miss): reads each candidate's package.json, checks its `zen` key,
 * apiVersion and peer range on @zen/core BEFORE importing anything, then imports the flavors module
 * and brand-checks each entry. Every package is handled in isolation: a broken one becomes a
 * DiscoveryProblem with its cause, and the others are unaffected.
 */
import { realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import semver from "semver";
import { componentType, isComponentType } from "../component-types.ts";
import { FLAVOR_API_VERSION, isFlavor, type Flavor } from "../flavor.ts";
import { BUILTIN_FLAVORS } from "../flavors/builtin.ts";
import { knownFlavorsOf } from "../known-packages.ts";
import type { Candidate } from "./candidates.ts";
import { CORE_PACKAGE_NAME, DISCOVERY_CACHE_FORMAT } from "./constants.ts";
import { corePackage } from "./core-package.ts";
import { describeFlavor } from "./describe-flavor.ts";
import type { CandidateReport, DiscoveryIndex, IndexedPackage, WatchedFile } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo } from "./flavor-info.ts";
import { causeMessage, importModule, moduleEntries } from "./import-module.ts";
import { fileStamp, lookupPackageJson, readJsonFile, resolveExportPath, type PackageJson } from "./package-json.ts";

interface Inspection {
  report: CandidateReport;
  pkg?: IndexedPackage;
  problem?: DiscoveryProblem;
  watch: WatchedFile[];
}

class PackageProblem extends Error {
  constructor(
    readonly phase: DiscoveryProblem["phase"],
    message: string,
    readonly hint?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Installed under some node_modules, as opposed to linked from a workspace (whose files change in place). */
function isInstalled(path: string): boolean {
  return path.split(sep).includes("node_modules");
}

function flavorKey(info: { type: string; name: string }): string {
  return `${info.type}/${info.name}`;
}

const ZEN_KEY_HINT = 'Write it as "zen": { "apiVersion": 1, "flavors": "./flavors" }.';

/** Checks the `zen` key, apiVersion and peer range: everything that can be decided without importing. */
function checkMetadata(name: string, pkg: PackageJson): { flavors: string } {
  const zen = pkg.zen as { apiVersion?: unknown; flavors?: unknown };
  if (typeof zen !== "object" || zen === null) {
    throw new PackageProblem("metadata", `'${name}' has a malformed "zen" key in its package.json`, ZEN_KEY_HINT);
  }
  if (typeof zen.apiVersion !== "number" || !Number.isInteger(zen.apiVersion)) {
    throw new PackageProblem("metadata", `'${name}' declares no integer "zen.apiVersion" in its package.json`, ZEN_KEY_HINT);
  }
  if (typeof zen.flavors !== "string" || !zen.flavors.startsWith("./")) {
    const message = `'${name}' has no "zen.flavors" export subpath (like "./flavors") in its package.json`;
    throw new PackageProblem("metadata", message, ZEN_KEY_HINT);
  }
  const core = corePackage();
  if (zen.apiVersion !== FLAVOR_API_VERSION) {
    throw new PackageProblem(
      "compat",
      `'${name}' uses flavor API version ${zen.apiVersion}, but @zen/core ${core.version} supports version ${FLAVOR_API_VERSION}`,
      zen.apiVersion > FLAVOR_API_VERSION
        ? "Upgrade @zen/cli (and @zen/core) to a version that supports it."
        : `Upgrade ${name} to a version built for @zen/core ${core.version}.`,
    );
  }
  const range = pkg.peerDependencies?.[CORE_PACKAGE_NAME];
  // `workspace:` ranges only exist in unpublished workspace packages, which always match their core.
  if (range && !range.startsWith("workspace:") && semver.validRange(range)) {
    if (!semver.satisfies(core.version, range, { includePrerelease: true })) {
      throw new PackageProblem(
        "compat",
        `'${name}' requires @zen/core ${range}, but this is @zen/core ${core.version}`,
        `Install a version of ${name} that supports @zen/core ${core.version}, or a matching @zen/cli.`,
      );
    }
  }
  return { flavors: zen.flavors };
}

async function inspect(candidate: Candidate): Promise<Inspection> {
  const report: CandidateReport = { package: candidate.name, origin: candidate.origin, status: "ignored", flavors: [] };
  const lookup = lookupPackageJson(candidate.name, candidate.resolveFrom);
  if (lookup.status === "missing") {
    report.problem = "not installed";
    if (knownFlavorsOf(candidate.name).length === 0) return { report, watch: [] };
    // A known flavor package listed but not installed: say so, its flavors are known.
    const message = `'${candidate.name}' is listed as a dependency but not installed`;
    const problem = new PackageProblem("resolve", message, "Run your package manager's install command.");
    return broken(candidate, report, undefined, undefined, problem);
  }
  const manifestPath = lookup.path;
  let pkg: PackageJson | undefined;
  try {
    pkg = manifestPath ? readJsonFile<PackageJson>(manifestPath) : undefined;
  } catch (error) {
    const problem = new PackageProblem("metadata", `'${candidate.name}' has an unreadable package.json: ${causeMessage(error)}`);
    return broken(candidate, report, manifestPath && dirname(manifestPath), undefined, problem);
  }
  if (!pkg || pkg.zen === undefined) return { report, watch: [] }; // not a flavor package: silently ignored
  const root = dirname(realpathSync(manifestPath!));
  report.root = root;
  if (lookup.status === "not-exported") {
    const problem = new PackageProblem(
      "metadata",
      `'${candidate.name}' does not export "./package.json"`,
      `Add "./package.json": "./package.json" to the "exports" of ${candidate.name}.`,
    );
    return broken(candidate, report, root, pkg, problem);
  }
  const watch: WatchedFile[] = isInstalled(root) ? [] : [{ path: manifestPath!, stamp: fileStamp(manifestPath!) }];
  let flavorsFile: string | undefined;
  try {
    const { flavors: subpath } = checkMetadata(candidate.name, pkg);
    flavorsFile = resolveExportPath(root, pkg, subpath);
    if (!flavorsFile) {
      throw new PackageProblem(
        "metadata",
        `'${candidate.name}' does not export "${subpath}", which its "zen.flavors" names`,
        `Add "${subpath}" to the "exports" of ${candidate.name}.`,
      );
    }
    if (!isInstalled(root)) watch.push({ path: flavorsFile, stamp: fileStamp(flavorsFile) });
    let ns: Record<string, unknown>;
    try {
      ns = await importModule(flavorsFile);
    } catch (error) {
      throw new PackageProblem(
        "import",
        `'${candidate.name}' failed to load: ${causeMessage(error)}`,
        `Reinstall ${candidate.name}, or run with ZEN_DEBUG=1 for details.`,
        error instanceof Error ? error.stack : undefined,
      );
    }
    const entries = moduleEntries(ns);
    if (!entries) {
      throw new PackageProblem(
        "brand",
        `'${candidate.name}' has a flavors module whose default export is not a list of flavors`,
        "Export the flavors as `export default [myFlavor, …]`.",
      );
    }
    const indexed = describeEntries(candidate, root, pkg, flavorsFile, entries);
    report.flavors = indexed.pkg.flavors.map(flavorKey);
    report.status = indexed.pkg.flavors.some((f) => f.ready) ? "ok" : "broken";
    if (indexed.problem) report.problem = indexed.problem.message;
    return { report, pkg: indexed.pkg, ...(indexed.problem ? { problem: indexed.problem } : {}), watch };
  } catch (error) {
    if (!(error instanceof PackageProblem)) throw error;
    const result = broken(candidate, report, root, pkg, error);
    if (flavorsFile && result.pkg) result.pkg.flavorsFile = flavorsFile;
    return { ...result, watch };
  }
}

function describeEntries(
  candidate: Candidate,
  root: string,
  pkg: PackageJson,
  flavorsFile: string,
  entries: unknown[],
): { pkg: IndexedPackage; problem?: DiscoveryProblem } {
  const source = { kind: "package" as const, package: candidate.name, version: pkg.version ?? "0.0.0", root };
  const flavors: FlavorInfo[] = [];
  const issues: string[] = [];
  entries.forEach((entry, position) => {
    const label = typeof (entry as Flavor | null)?.name === "string" ? `'${(entry as Flavor).name}'` : `#${position + 1}`;
    if (!isFlavor(entry)) {
      issues.push(`entry ${label} is not a flavor made with defineFlavor`);
      return;
    }
    if (!isComponentType(entry.type)) {
      issues.push(`flavor ${label} has unknown component type '${String(entry.type)}'`);
      return;
    }
    let info: FlavorInfo;
    try {
      info = describeFlavor(entry, source);
    } catch (error) {
      issues.push(`flavor ${label} cannot be described: ${causeMessage(error)}`);
      return;
    }
    if (entry.apiVersion !== FLAVOR_API_VERSION) {
      const problem = `built for flavor API version ${entry.apiVersion}, not ${FLAVOR_API_VERSION}`;
      issues.push(`${componentType(entry.type).displayName} flavor ${label} is ${problem}`);
      info.ready = false;
      info.problem = `'${candidate.name}' has a flavor ${problem}.`;
    }
    flavors.push(info);
  });
  if (entries.length === 0) issues.push("its list of flavors is empty");
  const { origin } = candidate;
  const indexed: IndexedPackage = { name: candidate.name, version: source.version, root, origin, flavorsFile, flavors };
  if (issues.length === 0) return { pkg: indexed };
  const usable = flavors.some((f) => f.ready);
  const phase = flavors.length > 0 && entries.every((e) => isFlavor(e)) ? "compat" : "brand";
  const message = usable
    ? `'${candidate.name}' has unusable flavors: ${issues.join("; ")}.`
    : `'${candidate.name}' exports no usable flavors: ${issues.join("; ")}.`;
  return {
    pkg: indexed,
    problem: {
      package: candidate.name,
      root,
      phase,
      message,
      hint: "Create each flavor with defineFlavor() from @zen/core and list it in the default export of the flavors module.",
    },
  };
}

/** A package that cannot be used: a problem, plus its flavors marked not ready when their names are known. */
function broken(
  candidate: Candidate,
  report: CandidateReport,
  root: string | undefined,
  pkg: PackageJson | undefined,
  error: PackageProblem,
): Inspection {
  const problem: DiscoveryProblem = {
    package: candidate.name,
    ...(root ? { root } : {}),
    phase: error.phase,
    message: `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.detail ? { detail: error.detail } : {}),
  };
  report.status = "broken";
  report.problem = problem.message;
  const known = knownFlavorsOf(candidate.name);
  report.flavors = known.map((k) => `${k.type}/${k.flavor}`);
  if (known.length === 0) return { report, problem, watch: [] };
  const version = pkg?.version ?? "0.0.0";
  const source = { kind: "package" as const, package: candidate.name, version, root: root ?? "" };
  const flavors: FlavorInfo[] = known.map((k) => ({
    type: k.type,
    name: k.flavor,
    description: `${componentType(k.type).displayName} flavor from ${candidate.name}`,
    source,
    configSchema: {},
    secretFields: [],
    ready: false,
    problem: problem.message,
  }));
  const indexed: IndexedPackage = { name: candidate.name, version, root: root ?? "", origin: candidate.origin, flavors };
  return { report, problem, pkg: indexed, watch: [] };
}

/** Two packages providing the same type/name: both become unusable, with one problem naming both. */
function markDuplicates(packages: IndexedPackage[], problems: DiscoveryProblem[], reports: CandidateReport[]): void {
  const owners = new Map<string, IndexedPackage>();
  for (const pkg of packages) {
    for (const info of pkg.flavors) {
      const key = flavorKey(info);
      const first = owners.get(key);
      if (!first) {
        owners.set(key, pkg);
        continue;
      }
      const display = componentType(info.type).displayName;
      const message = `Packages '${first.name}' and '${pkg.name}' both provide the ${display} flavor '${info.name}'.`;
      const hint = "Uninstall one of them (or remove it from package.json).";
      problems.push({ package: pkg.name, root: pkg.root, phase: "duplicate", message, hint });
      for (const owner of [first, pkg]) {
        const clash = owner.flavors.find((f) => flavorKey(f) === key);
        if (clash) {
          clash.ready = false;
          clash.problem = message;
        }
        const report = reports.find((r) => r.package === owner.name);
        if (report) {
          report.problem = report.problem ? `${report.problem} ${message}` : message;
          if (!owner.flavors.some((f) => f.ready)) report.status = "broken";
        }
      }
    }
  }
}

/** Describes the built-ins and every candidate; the result is what the cache stores. */
export async function scanPackages(
  candidates: readonly Candidate[],
  key: string,
  sourceProblems: readonly DiscoveryProblem[] = [],
): Promise<DiscoveryIndex> {
  const core = corePackage();
  const builtins = BUILTIN_FLAVORS.map((flavor) => describeFlavor(flavor, { kind: "builtin", package: CORE_PACKAGE_NAME }));
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
  for (const candidate of candidates) {
    let result: Inspection;
    try {
      result = await inspect(candidate);
    } catch (error) {
      // A bug in a package we did not foresee must still not break discovery of the others.
      const report: CandidateReport = { package: candidate.name, origin: candidate.origin, status: "broken", flavors: [] };
      const problem = new PackageProblem("import", `'${candidate.name}' could not be inspected: ${causeMessage(error)}`);
      result = broken(candidate, report, undefined, undefined, problem);
    }
    reports.push(result.report);
    if (result.pkg) packages.push(result.pkg);
    if (result.problem) problems.push(result.problem);
    watch.push(...result.watch);
  }
  markDuplicates(packages, problems, reports);
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
