/**
 * Generated flavor packages for discovery tests: a temp project with a `node_modules/<name>` package
 * whose package.json carries the `zen` key and whose flavors module defines flavors.
 *
 * How fixtures get their dependencies: a temp project cannot resolve `zod`, so the generated flavors
 * module imports zod by an absolute path (the copy @zen/core itself uses) and builds flavor objects
 * with the brand fields by hand — exactly what `defineFlavor` of another copy of @zen/core produces.
 * `style: "core"` instead imports `defineFlavor` from `@zen/core`, which `makeProject` symlinks to
 * this workspace's packages/core (Jest resolves it to source through the `zen-source` condition).
 */
import { existsSync, readFileSync, symlinkSync, utimesSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { makeTempDir, writeTree } from "./temp-dir.ts";

/** packages/core of this workspace, found from test-utils' own location. */
export const CORE_ROOT = fileURLToPath(new URL("../../core/", import.meta.url)).replace(/\/$/, "");

const coreRequire = createRequire(join(CORE_ROOT, "package.json"));
const ZOD_ROOT = dirname(coreRequire.resolve("zod/package.json"));
/** The ESM entry of the zod that @zen/core uses, as a file URL (importable from anywhere). */
export const ZOD_ESM_URL = pathToFileURL(join(ZOD_ROOT, "index.js")).href;
/** The CJS entry of the same zod, as an absolute path (requirable from anywhere). */
export const ZOD_CJS_PATH = join(ZOD_ROOT, "index.cjs");

export type PackageManagerName = "npm" | "pnpm" | "yarn" | "none";

export interface ProjectFixtureOptions {
  /** Directory to use (default: a new temp dir). */
  dir?: string;
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  /** Which install stamp and lockfile to write (default npm: `node_modules/.package-lock.json` + package-lock.json). */
  packageManager?: PackageManagerName;
  /** Symlink `node_modules/@zen/core` to the workspace's packages/core (default true). */
  linkCore?: boolean;
}

/** A user's project: package.json, node_modules with an install stamp, and `@zen/core` linked in. */
export function makeProject(options: ProjectFixtureOptions = {}): string {
  const dir = options.dir ?? makeTempDir("zen-project-");
  const pkg = {
    name: options.name ?? "fixture-project",
    version: "1.0.0",
    private: true,
    type: "module",
    dependencies: { ...options.dependencies },
    devDependencies: { ...options.devDependencies },
  };
  writeTree(dir, { "package.json": `${JSON.stringify(pkg, null, 2)}\n` });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  const manager = options.packageManager ?? "npm";
  if (manager === "npm") {
    writeTree(dir, {
      "package-lock.json": `${JSON.stringify({ name: pkg.name, lockfileVersion: 3 })}\n`,
      "node_modules/.package-lock.json": `${JSON.stringify({ name: pkg.name, lockfileVersion: 3, stamp: 0 })}\n`,
    });
  } else if (manager === "pnpm") {
    writeTree(dir, { "pnpm-lock.yaml": "lockfileVersion: '9.0'\n", "node_modules/.modules.yaml": "stamp: 0\n" });
  } else if (manager === "yarn") {
    writeTree(dir, { "yarn.lock": "# yarn lockfile v1\n" });
  }
  if (options.linkCore ?? true) linkZenCore(dir);
  return dir;
}

/** Makes `@zen/core` resolvable from `project` by symlinking it to this workspace's packages/core. */
export function linkZenCore(project: string): void {
  const link = join(project, "node_modules", "@zen", "core");
  if (existsSync(link)) return;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(CORE_ROOT, link, "dir");
}

/** Adds (or changes) a dependency in the project's package.json. */
export function addDependency(project: string, name: string, range = "^1.0.0", field: "dependencies" | "devDependencies" = "dependencies"): void {
  const file = join(project, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string> | undefined>;
  pkg[field] = { ...pkg[field], [name]: range };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

let stampCounter = 0;
/** Simulates a reinstall: rewrites the project's install stamp with new contents and a later mtime. */
export function bumpInstallStamp(project: string): void {
  const candidates = ["node_modules/.modules.yaml", "node_modules/.package-lock.json", "yarn.lock", "package-lock.json"];
  const stamp = candidates.map((c) => join(project, c)).find((p) => existsSync(p));
  if (!stamp) throw new Error(`No install stamp in ${project}; create the project with makeProject().`);
  stampCounter += 1;
  writeFileSync(stamp, `${readFileSync(stamp, "utf8")}# reinstall ${stampCounter} ${"x".repeat(stampCounter)}\n`);
  const later = new Date(Date.now() + stampCounter * 2000);
  utimesSync(stamp, later, later);
}

export interface FixtureFlavor {
  type: string;
  name: string;
  description?: string;
  /** A JS expression building the config schema with `z` (default `z.object({ path: z.string() })`). */
  config?: string;
  /** The flavor object's own apiVersion (default 1). */
  apiVersion?: number;
}

export interface FlavorPackageFixtureOptions {
  /** The project whose node_modules receives the package. */
  project: string;
  name: string;
  version?: string;
  /** ESM (`"type": "module"`, default) or CJS (`"type": "commonjs"`). */
  format?: "esm" | "cjs";
  /** CJS only: `exports.default = […]` with `__esModule` (as TypeScript emits) instead of `module.exports = […]`. */
  cjsInterop?: boolean;
  /** `plain` (default): brand fields by hand, zod by absolute path. `core`: `defineFlavor` from `@zen/core`. */
  style?: "plain" | "core";
  flavors?: FixtureFlavor[];
  /** `zen.apiVersion` in package.json (default 1). */
  apiVersion?: unknown;
  /** Replaces the whole `zen` key; `false` writes none (an ordinary package). */
  zen?: unknown;
  /** `peerDependencies["@zen/core"]` (default `*`); `null` omits it. */
  peerRange?: string | null;
  /** List `./package.json` in exports (default true). */
  exportPackageJson?: boolean;
  /** List the flavors subpath in exports (default true). */
  exportFlavors?: boolean;
  /** File name of the flavors module (default `flavors.js`). Use a new name to get a fresh module in-process. */
  flavorsFile?: string;
  /** The flavors module throws an Error with this message when imported. */
  throwOnImport?: string;
  /** The flavors module calls `process.exit(code)` when imported. */
  exitOnImport?: number;
  /** The flavors module kills its own process with SIGKILL when imported. */
  killOnImport?: boolean;
  /** The flavors module writes this text to stdout when imported. */
  printOnImport?: string;
  /** The flavors module's import never settles (ESM only: a top-level await on a promise that never resolves). */
  hangOnImport?: boolean;
  /** Export plain objects without the flavor brand. */
  notAFlavor?: boolean;
  /** Append a line to this file every time the flavors module is evaluated. */
  marker?: string;
  /** Record the package in the project's package.json (default `dependencies`); `false` leaves it out. */
  dependency?: "dependencies" | "devDependencies" | false;
  /** Install into this node_modules directory instead of `<project>/node_modules` (e.g. a global prefix). */
  nodeModulesDir?: string;
}

export interface FlavorPackageFixture {
  name: string;
  root: string;
  flavorsFile: string;
}

function defaultFlavors(name: string): FixtureFlavor[] {
  const base = name.replace(/^@[^/]+\//, "").replace(/^zen-integration-|^integration-/, "");
  return [{ type: "artifact_store", name: base.replace(/[^a-z0-9_-]/g, "-") }];
}

function flavorsSource(options: FlavorPackageFixtureOptions, flavors: FixtureFlavor[]): string {
  const cjs = options.format === "cjs";
  const lines: string[] = [];
  if (cjs) {
    lines.push(`const { z } = require(${JSON.stringify(ZOD_CJS_PATH)});`);
    lines.push(`const { appendFileSync } = require("node:fs");`);
  } else {
    lines.push(`import { z } from ${JSON.stringify(ZOD_ESM_URL)};`);
    lines.push(`import { appendFileSync } from "node:fs";`);
    if (options.style === "core") lines.push(`import { defineFlavor } from "@zen/core";`);
  }
  if (options.marker) {
    lines.push(`appendFileSync(${JSON.stringify(options.marker)}, ${JSON.stringify(`${options.name}\n`)});`);
  }
  if (options.throwOnImport !== undefined) lines.push(`throw new Error(${JSON.stringify(options.throwOnImport)});`);
  if (options.printOnImport !== undefined) lines.push(`process.stdout.write(${JSON.stringify(options.printOnImport)});`);
  if (options.exitOnImport !== undefined) lines.push(`process.exit(${options.exitOnImport});`);
  if (options.killOnImport) lines.push(`process.kill(process.pid, "SIGKILL");`);
  if (options.hangOnImport) {
    if (cjs) throw new Error("hangOnImport needs an ESM flavors module.");
    lines.push(`await new Promise(() => { setInterval(() => {}, 1000); });`);
  }
  const entries = flavors.map((f) => {
    const impl = `class { static componentType = ${JSON.stringify(f.type)}; constructor(init) { Object.assign(this, init); } }`;
    const fields = [
      `type: ${JSON.stringify(f.type)}`,
      `name: ${JSON.stringify(f.name)}`,
      `description: ${JSON.stringify(f.description ?? `${f.name} flavor from ${options.name}`)}`,
      `config: ${f.config ?? "z.object({ path: z.string() })"}`,
      `implementation: async () => ${impl}`,
    ];
    if (options.notAFlavor) return `{ ${fields.join(", ")} }`;
    if (options.style === "core" && !cjs) return `defineFlavor({ ${fields.join(", ")} })`;
    return `Object.freeze({ $$type: "@zen/Flavor", apiVersion: ${f.apiVersion ?? 1}, ${fields.join(", ")} })`;
  });
  const list = `[\n  ${entries.join(",\n  ")},\n]`;
  if (!cjs) lines.push(`const flavors = ${list};`, `export default flavors;`);
  else if (options.cjsInterop) {
    lines.push(`Object.defineProperty(exports, "__esModule", { value: true });`, `exports.default = ${list};`);
  } else lines.push(`module.exports = ${list};`);
  return `${lines.join("\n")}\n`;
}

/** Writes a flavor package into the project's node_modules (see the options for the broken variants). */
export function flavorPackageFixture(options: FlavorPackageFixtureOptions): FlavorPackageFixture {
  const flavors = options.flavors ?? defaultFlavors(options.name);
  const flavorsFile = options.flavorsFile ?? "flavors.js";
  const nodeModules = options.nodeModulesDir ?? join(options.project, "node_modules");
  const root = join(nodeModules, options.name);
  const exportsMap: Record<string, string> = { ".": `./${flavorsFile}` };
  if (options.exportFlavors ?? true) exportsMap["./flavors"] = `./${flavorsFile}`;
  if (options.exportPackageJson ?? true) exportsMap["./package.json"] = "./package.json";
  const pkg: Record<string, unknown> = {
    name: options.name,
    version: options.version ?? "1.0.0",
    type: options.format === "cjs" ? "commonjs" : "module",
    exports: exportsMap,
    keywords: ["zen-integration"],
  };
  if (options.zen !== false) pkg.zen = options.zen ?? { apiVersion: options.apiVersion ?? 1, flavors: "./flavors" };
  const peerRange = options.peerRange === undefined ? "*" : options.peerRange;
  if (peerRange !== null) pkg.peerDependencies = { "@zen/core": peerRange };
  writeTree(root, {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    [flavorsFile]: flavorsSource(options, flavors),
  });
  const field = options.dependency ?? "dependencies";
  if (field !== false && options.nodeModulesDir === undefined) {
    addDependency(options.project, options.name, `^${options.version ?? "1.0.0"}`, field);
  }
  return { name: options.name, root, flavorsFile: join(root, flavorsFile) };
}
