/**
 * Finds the profile store driver for a URL's scheme among installed packages: those whose package.json
 * `zen` key has a `"stores"` entry (beside `"flavors"`), looked for in the project's and the CLI's
 * dependencies and next to a global CLI, the way flavor packages are found. The package known to
 * provide a scheme is tried first, so the common case imports one module. Loaded only for a profile
 * whose URL is neither a file nor SQLite.
 */
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { candidatesOf, readDependencySources, type Candidate } from "../discovery/candidates.ts";
import { importModule, moduleEntries } from "../discovery/import-module.ts";
import { lookupPackageJson, readJsonFile, resolveExportPath, type PackageJson } from "../discovery/package-json.ts";
import { ZenError } from "../errors.ts";
import type { StackStore } from "../store/records.ts";
import { KNOWN_STORE_PACKAGES, type StackStoreDriver } from "./store-driver.ts";

export interface DriverSearch {
  /** The project whose dependencies may provide drivers (default: the nearest package.json above cwd). */
  projectRoot?: string | undefined;
  /** The CLI package root: its dependencies and, for a global install, its sibling packages. */
  cliRoot?: string | undefined;
}

function nearestPackageRoot(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (readJsonFile<PackageJson>(join(current, "package.json"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

function isDriver(value: unknown): value is StackStoreDriver {
  const d = value as Partial<StackStoreDriver> | null;
  return typeof d === "object" && d !== null && Array.isArray(d.schemes) && typeof d.open === "function" && typeof d.normalizeUrl === "function";
}

async function driversOf(name: string, fromDir: string): Promise<StackStoreDriver[]> {
  const found = lookupPackageJson(name, fromDir);
  if (found.status === "missing" || !found.path) return [];
  const pkg = readJsonFile<PackageJson & { zen?: { stores?: unknown } }>(found.path);
  const subpath = pkg?.zen?.stores;
  if (!pkg || typeof subpath !== "string" || !subpath.startsWith("./")) return [];
  const file = resolveExportPath(dirname(found.path), pkg, subpath);
  if (!file) return [];
  return (moduleEntries(await importModule(file)) ?? []).filter(isDriver);
}

/** The installed driver for `url`'s scheme, or an error naming the package to install. */
export async function findStoreDriver(url: string, search: DriverSearch = {}): Promise<StackStoreDriver> {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase() ?? "";
  const projectRoot = search.projectRoot ?? nearestPackageRoot(process.cwd());
  // This copy of @zen/core's own package root: in a global install the drivers sit next to it.
  const coreRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const candidates: Candidate[] = candidatesOf(readDependencySources(projectRoot, search.cliRoot));
  const known = KNOWN_STORE_PACKAGES[scheme];
  const tried = new Set<string>();
  const attempts: { name: string; from: string }[] = [];
  if (known) {
    for (const from of [projectRoot, search.cliRoot, coreRoot]) if (from) attempts.push({ name: known, from });
  }
  for (const candidate of candidates) attempts.push({ name: candidate.name, from: candidate.resolveFrom });
  for (const { name, from } of attempts) {
    const key = `${name}${sep}${from}`;
    if (tried.has(key) || (name !== known && tried.has(name))) continue;
    tried.add(key);
    tried.add(name);
    const driver = (await driversOf(name, from)).find((d) => d.schemes.includes(scheme));
    if (driver) return driver;
  }
  throw new ZenError(`No profile store driver for '${scheme}' URLs is installed.`, {
    code: "ZEN_STORE_DRIVER_MISSING",
    hint: known
      ? `Install ${known} (e.g. \`npm install ${known}\`) in the project or next to zen, then run the command again.`
      : "Profiles store stacks in file:// (local) or sqlite:// (sql) URLs, or in a database whose driver package is installed (mysql://, postgresql://).",
  });
}

/** Opens a profile store through the installed driver for its URL. */
export async function openDriverStore(url: string, env: Record<string, string | undefined> = process.env, search: DriverSearch = {}): Promise<StackStore> {
  return (await findStoreDriver(url, search)).open(url, env);
}
