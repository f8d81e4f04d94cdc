/**
 * `zen flavor check`: a lint of a flavor package before it is published. The package is put through
 * discovery itself (the same scanner `zen` runs on installed packages: the `zen` key, apiVersion, the
 * peer range against this @zen/core, the `./package.json` and flavors exports, the import, brand,
 * type and config schema of each flavor), then through the checks only a publisher needs: a peer
 * range at all, the published exports (`publishConfig`), built files present and listed in `files`,
 * each implementation's component type, clashes with built-in and first-party flavors, and secret
 * fields (no literal default; credential-like keys that are plain strings).
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import semver from "semver";
import { KNOWN_FLAVOR_PACKAGES, componentType, isComponentType, isFlavor, loadImplementation, type Flavor } from "@zen/core";
import {
  causeMessage,
  importModule,
  loadPackageScanner,
  moduleEntries,
  readJsonFile,
  resolveExportPath,
  type DiscoveryProblem,
  type FlavorInfo,
  type PackageJson,
} from "@zen/core/discovery";
import { NotFoundError } from "@zen/core/command-line";
import { checkSecrets } from "./secret-fields.ts";

export type Severity = "error" | "warning";

export interface Finding {
  severity: Severity;
  /** A stable identifier, e.g. `peer-range-missing`. */
  code: string;
  message: string;
  fix: string;
}

export interface PackageCheck {
  dir: string;
  package: string | undefined;
  version: string | undefined;
  /** The flavors discovery found (ready or not). */
  flavors: Pick<FlavorInfo, "type" | "name" | "description" | "ready">[];
  findings: Finding[];
}

interface PublishedJson extends PackageJson {
  keywords?: unknown;
  files?: unknown;
  publishConfig?: { exports?: unknown };
}

const CORE = "@zen/core";
const ZEN_KEY_EXAMPLE = '"zen": { "apiVersion": 1, "flavors": "./flavors" }';

export async function checkFlavorPackage(dirArg: string, coreVersion: string): Promise<PackageCheck> {
  const dir = resolve(dirArg);
  const manifest = join(dir, "package.json");
  let pkg: PublishedJson | undefined;
  try {
    pkg = readJsonFile<PublishedJson>(manifest);
  } catch (error) {
    return fatal(dir, "package-json-invalid", `${manifest} is not valid JSON: ${causeMessage(error)}.`, "Fix the JSON syntax of package.json.");
  }
  if (!pkg) {
    throw new NotFoundError(`There is no package.json in ${dir}.`, {
      hint: "Run `zen flavor check` in the package's directory (or pass it), or create a package with `zen flavor init`.",
    });
  }
  const findings: Finding[] = [];
  const add = (severity: Severity, code: string, message: string, fix: string) => findings.push({ severity, code, message, fix });
  const name = typeof pkg.name === "string" ? pkg.name : undefined;
  const check: PackageCheck = { dir, package: name, version: pkg.version, flavors: [], findings };

  if (!name)
    add("error", "name-missing", 'package.json has no "name".', 'Add a "name", e.g. "zen-integration-<flavor>" or "@your-scope/zen-integration-<flavor>".');
  if (!pkg.version) add("error", "version-missing", 'package.json has no "version".', 'Add a "version", e.g. "0.1.0".');
  if (pkg.zen === undefined) {
    add("error", "zen-key-missing", 'package.json has no "zen" key, so zen ignores the package.', `Add ${ZEN_KEY_EXAMPLE} to package.json.`);
  }
  checkPeerRange(pkg, coreVersion, add);
  checkKeywords(pkg, add);
  if (!name || pkg.zen === undefined) return check;

  const flavorsSubpath = typeof (pkg.zen as { flavors?: unknown })?.flavors === "string" ? (pkg.zen as { flavors: string }).flavors : undefined;
  const missingBuild = checkExportTargets(dir, pkg, flavorsSubpath, add);

  // Discovery's own verdict, from a project that depends on nothing but this package.
  const { index, problems: found } = await discoverAlone(dir, name);
  // A flavor listed twice in this package is reported below, in plainer words than "packages X and X".
  const problems = found.filter((p) => !(p.phase === "duplicate" && p.message.includes(`'${name}' and '${name}'`)));
  for (const problem of problems) {
    // A missing built file was reported above with the better fix (build first).
    if (missingBuild && problem.phase === "import") continue;
    add("error", `discovery-${problem.phase}`, problem.message, problem.hint ?? "Run with ZEN_DEBUG=1 for details.");
  }
  const indexed = index.packages.find((p) => p.name === name);
  const infos = indexed?.flavors ?? [];
  check.flavors = infos.map(({ type, name: flavorName, description, ready }) => ({ type, name: flavorName, description, ready }));
  if (indexed && infos.length > 0 && problems.length === 0) await checkFlavors(indexed.flavorsFile, infos, name, add);
  checkClashes(infos, name, index.builtins, add);
  checkSecrets(infos, add);
  return check;
}

function fatal(dir: string, code: string, message: string, fix: string): PackageCheck {
  return { dir, package: undefined, version: undefined, flavors: [], findings: [{ severity: "error", code, message, fix }] };
}

export type Add = (severity: Severity, code: string, message: string, fix: string) => void;

function checkPeerRange(pkg: PublishedJson, coreVersion: string, add: Add): void {
  const wanted = `"peerDependencies": { "${CORE}": "^${coreVersion}" }`;
  const range = pkg.peerDependencies?.[CORE];
  if (pkg.dependencies?.[CORE] !== undefined) {
    add(
      "error",
      "core-in-dependencies",
      `${CORE} is in "dependencies": the package would bring its own copy of zen's core instead of using the project's.`,
      `Move it to ${wanted} (keep it in "devDependencies" for building and testing).`,
    );
  }
  if (range === undefined) {
    add(
      "error",
      "peer-range-missing",
      `package.json declares no peer range on ${CORE}, so zen cannot tell which versions the package supports.`,
      `Add ${wanted}.`,
    );
    return;
  }
  if (range.startsWith("workspace:")) {
    add(
      "warning",
      "peer-range-workspace",
      `The peer range on ${CORE} is "${range}", which only \`pnpm pack\`/\`pnpm publish\` rewrite into a real range.`,
      `Publish with pnpm, or write a real range such as "^${coreVersion}".`,
    );
    return;
  }
  // (Whether the range admits this zen's core is discovery's check, reported below.)
  if (!semver.validRange(range)) {
    add("error", "peer-range-invalid", `The peer range "${range}" on ${CORE} is not a valid semver range.`, `Use a range such as "^${coreVersion}".`);
  }
}

function checkKeywords(pkg: PublishedJson, add: Add): void {
  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords : [];
  if (!keywords.includes("zen-integration")) {
    add(
      "warning",
      "keyword-missing",
      'package.json lacks the keyword "zen-integration", which is how users find flavor packages on npm.',
      'Add "zen-integration" to "keywords".',
    );
  }
}

/** Checks what the package will export once published; returns true when the flavors file is not built. */
function checkExportTargets(dir: string, pkg: PublishedJson, flavorsSubpath: string | undefined, add: Add): boolean {
  const published = pkg.publishConfig?.exports;
  const views: { label: string; pkg: PackageJson }[] = [{ label: "exports", pkg }];
  if (published !== undefined) views.push({ label: "publishConfig.exports", pkg: { ...pkg, exports: published } });
  let missingBuild = false;
  for (const view of views) {
    const conditions = ["import", "node", "default"];
    if (view.label !== "exports") {
      if (resolveExportPath(dir, view.pkg, "./package.json", ["require", "node", "default"]) === undefined) {
        add(
          "error",
          "published-package-json-not-exported",
          `"${view.label}" lacks "./package.json", so zen cannot read the published package's metadata.`,
          `Add "./package.json": "./package.json" to "${view.label}".`,
        );
      }
      if (flavorsSubpath && resolveExportPath(dir, view.pkg, flavorsSubpath, conditions) === undefined) {
        add(
          "error",
          "published-flavors-not-exported",
          `"${view.label}" lacks "${flavorsSubpath}", which "zen.flavors" names.`,
          `Add "${flavorsSubpath}" to "${view.label}".`,
        );
      }
    }
    if (!flavorsSubpath) continue;
    const target = resolveExportPath(dir, view.pkg, flavorsSubpath, conditions);
    if (!target) continue;
    const shown = relative(dir, target);
    if (!existsSync(target)) {
      missingBuild = true;
      add(
        "error",
        "flavors-not-built",
        `"${flavorsSubpath}" maps to ${shown} (in "${view.label}"), which does not exist.`,
        "Build the package first (`npm run build`).",
      );
    } else if (!listedInFiles(pkg.files, shown)) {
      add(
        "error",
        "flavors-not-published",
        `${shown} is not listed in "files", so it would be missing from the published package.`,
        `Add "${shown.split("/")[0]}" to "files".`,
      );
    }
  }
  return missingBuild;
}

/** Whether a path is covered by package.json's `files` (an approximation of npm's rules: entries are files, dirs or simple globs). */
function listedInFiles(files: unknown, path: string): boolean {
  if (!Array.isArray(files)) return true; // no "files": everything not ignored is published
  const normalized = path.replace(/\\/g, "/");
  return files.some((entry) => {
    if (typeof entry !== "string" || entry.startsWith("!")) return false;
    const clean = entry.replace(/^\.\//, "").replace(/\/+$/, "");
    if (normalized === clean || normalized.startsWith(`${clean}/`)) return true;
    const pattern = new RegExp(
      `^${clean
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*\*/g, "\0")
        .replace(/\*/g, "[^/]*")
        .replace(/\0/g, ".*")}(/.*)?$`,
    );
    return pattern.test(normalized);
  });
}

/** Runs discovery's scanner on this package alone, as a project depending only on it would. */
async function discoverAlone(dir: string, name: string) {
  const project = mkdtempSync(join(realpathSync(tmpdir()), "zen-flavor-check-"));
  try {
    const link = join(project, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(dir, link, "dir");
    const { scanPackages } = await loadPackageScanner();
    const index = await scanPackages([{ name, origin: "project", resolveFrom: project }], "zen-flavor-check");
    return { index, problems: index.problems as DiscoveryProblem[] };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** Loads each flavor's implementation: it must be a class of the flavor's own component type. */
async function checkFlavors(flavorsFile: string | undefined, infos: FlavorInfo[], packageName: string, add: Add): Promise<void> {
  if (!flavorsFile) return;
  const entries = moduleEntries(await importModule(flavorsFile)) ?? [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!isFlavor(entry) || !isComponentType(entry.type)) continue;
    const flavor = entry as Flavor;
    const label = `${componentType(flavor.type).displayName} flavor '${flavor.name}'`;
    const key = `${flavor.type}/${flavor.name}`;
    if (seen.has(key)) {
      add("error", "flavor-duplicate", `${packageName} lists the ${label} twice.`, "Give each flavor of a type its own name, or list it once.");
      continue;
    }
    seen.add(key);
    const info = infos.find((i) => i.type === flavor.type && i.name === flavor.name);
    if (info && info.configSchema.type !== "object") {
      add(
        "error",
        "config-not-object",
        `The config schema of the ${label} is not an object schema, so zen cannot show or check its keys.`,
        "Make `config` a zod object: `config: z.object({ … })`.",
      );
    }
    let implementation;
    try {
      implementation = await loadImplementation(flavor);
    } catch (error) {
      add(
        "error",
        "implementation-load-failed",
        `The implementation of the ${label} does not load: ${causeMessage(error)}`,
        "Fix `implementation` so it imports and returns the component class.",
      );
      continue;
    }
    if (implementation.componentType !== flavor.type) {
      add(
        "error",
        "implementation-wrong-type",
        `The implementation of the ${label} is a component of type '${String(implementation.componentType)}', not '${flavor.type}'.`,
        `Extend the base class of the flavor's type (Base${flavor.type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())} from @zen/core).`,
      );
    }
  }
}

function checkClashes(infos: FlavorInfo[], packageName: string, builtins: FlavorInfo[], add: Add): void {
  for (const info of infos) {
    const label = `${componentType(info.type).displayName} flavor '${info.name}'`;
    if (builtins.some((b) => b.type === info.type && b.name === info.name)) {
      add(
        "error",
        "clashes-with-builtin",
        `The ${label} has the name of a built-in flavor: installed, it would shadow zen's own '${info.name}' in every project.`,
        `Rename the flavor (e.g. '${info.name}-${packageName.replace(/^@[^/]+\//, "").replace(/^zen-integration-/, "")}').`,
      );
    }
    const firstParty = KNOWN_FLAVOR_PACKAGES.find((k) => k.type === info.type && k.flavor === info.name && k.package !== packageName);
    if (firstParty) {
      add(
        "warning",
        "clashes-with-known-package",
        `The ${label} is also provided by ${firstParty.package}: a project with both packages gets a duplicate-flavor error.`,
        "Choose a name of your own for the flavor.",
      );
    }
  }
}
