/**
 * A full discovery run (a cache miss): reads each candidate's package.json, checks its `zen` key,
 * apiVersion and peer range on @zen/core BEFORE importing anything, then imports the flavors module
 * and brand-checks each entry. Every package is handled in isolation: a broken one becomes a
 * DiscoveryProblem with its cause, and the others are unaffected.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import semver from "semver";
import { componentType, isComponentType } from "../component-types.ts";
import { FLAVOR_API_VERSION, isFlavor, type Flavor } from "../flavor.ts";
import { BUILTIN_FLAVORS } from "../flavors/builtin.ts";
import { knownFlavorsOf } from "../known-packages.ts";
import { assembleIndex, isInstalled } from "./assemble-index.ts";
import type { Candidate } from "./candidates.ts";
import { CORE_PACKAGE_NAME } from "./constants.ts";
import { corePackage } from "./core-package.ts";
import { describeFlavor } from "./describe-flavor.ts";
import type { CandidateReport, DiscoveryIndex, IndexedPackage, WatchedFile } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo } from "./flavor-info.ts";
import { brokenInspection, flavorKey, PackageProblem, type Inspection } from "./inspection.ts";
import { causeMessage, importModule, moduleEntries } from "./import-module.ts";
import { fileStamp, lookupPackageJson, readJsonFile, resolveExportPath, type PackageJson } from "./package-json.ts";

export type ImportListener = (root: string, version: string | undefined) => void | Promise<void>;

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

/**
 * Indexes one candidate: its package.json, then (if it is a flavor package) its flavors module.
 * `onImport` is told just before the module is imported (the isolated scan names the package if the
 * import exits or hangs).
 */
export async function inspectCandidate(candidate: Candidate, onImport: ImportListener = () => {}): Promise<Inspection> {
  const report: CandidateReport = { package: candidate.name, origin: candidate.origin, status: "ignored", flavors: [] };
  const lookup = lookupPackageJson(candidate.name, candidate.resolveFrom);
  if (lookup.status === "missing") {
    report.problem = "not installed";
    if (knownFlavorsOf(candidate.name).length === 0) return { report, watch: [] };
    // A known flavor package listed but not installed: say so, its flavors are known.
    const message = `'${candidate.name}' is listed as a dependency but not installed`;
    const problem = new PackageProblem("resolve", message, "Run your package manager's install command.");
    return brokenInspection(candidate, report, undefined, undefined, problem);
  }
  const manifestPath = lookup.path;
  let pkg: PackageJson | undefined;
  try {
    pkg = manifestPath ? readJsonFile<PackageJson>(manifestPath) : undefined;
  } catch (error) {
    const problem = new PackageProblem("metadata", `'${candidate.name}' has an unreadable package.json: ${causeMessage(error)}`);
    return brokenInspection(candidate, report, manifestPath && dirname(manifestPath), undefined, problem);
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
    return brokenInspection(candidate, report, root, pkg.version, problem);
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
    await onImport(root, pkg.version);
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
    const result = brokenInspection(candidate, report, root, pkg.version, error);
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

/** The built-in flavors as the index describes them. */
export function describeBuiltins(): FlavorInfo[] {
  return BUILTIN_FLAVORS.map((flavor) => describeFlavor(flavor, { kind: "builtin", package: CORE_PACKAGE_NAME }));
}

/** Inspects a candidate; a bug in a package we did not foresee still only makes that package broken. */
export async function inspectSafely(candidate: Candidate, onImport?: ImportListener): Promise<Inspection> {
  try {
    return await inspectCandidate(candidate, onImport);
  } catch (error) {
    const report: CandidateReport = { package: candidate.name, origin: candidate.origin, status: "broken", flavors: [] };
    const problem = new PackageProblem("import", `'${candidate.name}' could not be inspected: ${causeMessage(error)}`);
    return brokenInspection(candidate, report, undefined, undefined, problem);
  }
}

/**
 * A scan in this process, with no protection against a package that exits, prints or hangs while it
 * is imported: what the isolated scan's child runs, and its fallback where no child can be started.
 */
export async function scanInProcess(candidates: readonly Candidate[], key: string, sourceProblems: readonly DiscoveryProblem[] = []): Promise<DiscoveryIndex> {
  const inspections: Inspection[] = [];
  for (const candidate of candidates) inspections.push(await inspectSafely(candidate));
  return assembleIndex(describeBuiltins(), candidates, inspections, key, sourceProblems);
}
