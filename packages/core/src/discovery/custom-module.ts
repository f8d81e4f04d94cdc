/**
 * Custom flavor specifiers (`module#export`) and where their module lives: a path is taken from the
 * record's root (the project), a bare specifier is resolved from there like an import would be.
 * Light on purpose: listing custom flavors never imports them.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError, ZenError } from "../errors.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import type { CustomDescription } from "./custom-descriptions.ts";
import type { FlavorInfo } from "./flavor-info.ts";
import { lookupPackageJson, readJsonFile, resolveExportPath, type PackageJson } from "./package-json.ts";

export interface FlavorSpecifier {
  module: string;
  /** `default` when the specifier names none. */
  exportName: string;
}

export function parseFlavorSpecifier(specifier: string): FlavorSpecifier {
  const hash = specifier.lastIndexOf("#");
  const module = (hash < 0 ? specifier : specifier.slice(0, hash)).trim();
  const exportName = (hash < 0 ? "" : specifier.slice(hash + 1)).trim() || "default";
  if (!module || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new ValidationError(`Invalid flavor specifier '${specifier}'.`, {
      hint: "Use <module>#<export>, e.g. `./src/my-flavor.ts#myFlavor` or `my-package/flavors#s3` (the export defaults to `default`).",
    });
  }
  return { module, exportName };
}

export function isPathSpecifier(module: string): boolean {
  return module.startsWith(".") || isAbsolute(module) || module.startsWith("file:");
}

const EXTENSIONS = ["", ".ts", ".mts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"];

function existingFile(base: string): string | undefined {
  for (const extension of EXTENSIONS) {
    const file = base + extension;
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}

/** The file a path specifier points at (with the usual extensions tried), or undefined. */
export function findPathModule(module: string, root: string): string | undefined {
  const base = module.startsWith("file:") ? fileURLToPath(module) : resolve(root, module);
  return existingFile(base);
}

function packageNameOf(module: string): { name: string; subpath: string } {
  const parts = module.split("/");
  const count = module.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, count).join("/");
  const rest = parts.slice(count).join("/");
  return { name, subpath: rest ? `./${rest}` : "." };
}

/** The absolute file of a custom flavor's module. Throws a ZenError saying what could not be found. */
export function resolveCustomModule(module: string, root: string): string {
  if (isPathSpecifier(module)) {
    const file = findPathModule(module, root);
    if (!file) {
      throw new ZenError(`Cannot find module '${module}' (looked in ${root}).`, {
        hint: "Give the path relative to the project root, e.g. `./src/my-flavor.ts#myFlavor`.",
        code: "ZEN_CUSTOM_FLAVOR",
      });
    }
    return file;
  }
  const { name, subpath } = packageNameOf(module);
  const lookup = lookupPackageJson(name, root);
  if (lookup.status !== "missing" && lookup.path) {
    const pkgRoot = dirname(lookup.path);
    const pkg = readJsonFile<PackageJson>(lookup.path) ?? {};
    const file = resolveExportPath(pkgRoot, pkg, subpath);
    if (file) return file;
  }
  try {
    return createRequire(join(root, "package.json")).resolve(module);
  } catch (error) {
    throw new ZenError(`Cannot find module '${module}' from ${root}.`, {
      hint: `Install the package in the project, or check the spelling (${(error as Error).message.split("\n")[0]}).`,
      code: "ZEN_CUSTOM_FLAVOR",
      cause: error,
    });
  }
}

/** The file a custom flavor's module resolves to now, or undefined when it cannot be found. */
export function customModuleFile(record: CustomFlavorRecord): string | undefined {
  try {
    return resolveCustomModule(parseFlavorSpecifier(record.specifier).module, record.root);
  } catch {
    return undefined;
  }
}

/**
 * What `list()` shows for a custom flavor, without importing it: what its definition said when it
 * was last imported (`described`), else a generic description from its record.
 */
export function customFlavorInfo(record: CustomFlavorRecord, described?: CustomDescription): FlavorInfo {
  const info: FlavorInfo = {
    type: record.type,
    name: record.name,
    description: `custom flavor from ${record.specifier}`,
    configSchema: {},
    secretFields: [],
    ...described,
    source: { kind: "custom", specifier: record.specifier, root: record.root },
    ready: true,
  };
  try {
    const { module } = parseFlavorSpecifier(record.specifier);
    if (isPathSpecifier(module) && !findPathModule(module, record.root)) {
      info.ready = false;
      info.problem = `Module '${module}' does not exist (looked in ${record.root}).`;
    }
  } catch (error) {
    info.ready = false;
    info.problem = (error as Error).message;
  }
  return info;
}
