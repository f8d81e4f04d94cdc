/** `zen flavor init`: checks the options and writes a new flavor package into an empty directory. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { COMPONENT_TYPES, ConflictError, findComponentType, UsageError, type ComponentTypeInfo } from "@zen/core/command-line";
import { BUILTIN_FLAVORS } from "@zen/core";
import { FLAVOR_NAME, PACKAGE_NAME, defaultPackageName, scaffoldNames, type ScaffoldNames } from "./names.ts";
import { packageFiles } from "./package-files.ts";
import { zenFromSpecs } from "./zen-from.ts";

export interface InitOptions {
  /** Target directory (default: the package name without its scope, in the working directory). */
  dir?: string | undefined;
  type?: string | undefined;
  name?: string | undefined;
  package?: string | undefined;
  /** The running @zen/core version: the peer range is `^<version>`. */
  coreVersion: string;
  /** Where devDependencies install @zen/core and @zen/cli from (default: `^<version>` from the registry). */
  coreSpec?: string | undefined;
  cliSpec?: string | undefined;
  /** A directory of zen tarballs or a zen checkout: devDependencies as `file:` specs (see zen-from.ts). */
  zenFrom?: string | undefined;
  cwd?: string;
}

export interface InitResult {
  dir: string;
  names: ScaffoldNames;
  files: string[];
  /** Things worth knowing that did not stop the scaffold. */
  warnings: string[];
}

function typeFrom(value: string | undefined): ComponentTypeInfo {
  const choices = COMPONENT_TYPES.map((t) => t.cliGroup).join(", ");
  if (!value) throw new UsageError("Missing --type.", { hint: `Give the component type of the flavor: one of ${choices}.` });
  const type = findComponentType(value);
  if (!type) throw new UsageError(`Unknown component type '${value}'.`, { hint: `Use one of: ${choices}.` });
  return type;
}

export function initFlavorPackage(options: InitOptions): InitResult {
  const type = typeFrom(options.type);
  const flavor = options.name;
  if (!flavor) throw new UsageError("Missing --name.", { hint: `Give the flavor a name, e.g. --name my-${type.cliGroup.split("-").pop()}.` });
  if (!FLAVOR_NAME.test(flavor)) {
    throw new UsageError(`Invalid flavor name '${flavor}'.`, { hint: "Use lower-case letters, digits, '-' and '_', starting with a letter or digit." });
  }
  if (BUILTIN_FLAVORS.some((f) => f.type === type.key && f.name === flavor)) {
    throw new UsageError(`'${flavor}' is the name of a built-in ${type.displayName} flavor.`, {
      hint: `Choose another name: a package flavor named '${flavor}' would shadow zen's own in every project.`,
    });
  }
  const packageName = options.package ?? defaultPackageName(flavor);
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw new UsageError(`Invalid npm package name '${packageName}'.`, {
      hint: "Use lower-case letters, digits, '-', '.' and '_', optionally with a scope: @your-scope/zen-integration-name.",
    });
  }
  const warnings: string[] = [];
  if (packageName.startsWith("@zen/")) {
    warnings.push("The @zen scope is for zen's own packages; publish yours as zen-integration-<name> or @your-scope/zen-integration-<name>.");
  }
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir ?? packageName.replace(/^@[^/]+\//, ""));
  assertEmptyDirectory(dir);
  const local = options.zenFrom === undefined ? undefined : zenFromSpecs(options.zenFrom, dir, options.coreVersion, cwd);
  const names = scaffoldNames({
    type,
    flavor,
    packageName,
    coreVersion: options.coreVersion,
    coreSpec: options.coreSpec ?? local?.coreSpec,
    cliSpec: options.cliSpec ?? local?.cliSpec,
  });
  const files = packageFiles(names);
  for (const [path, contents] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents, { flag: "wx" });
  }
  return { dir, names, files: Object.keys(files), warnings };
}

function assertEmptyDirectory(dir: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    throw new ConflictError(`${dir} exists and is not a directory.`, { hint: "Choose another directory for the new package." });
  }
  const entries = readdirSync(dir).filter((entry) => entry !== ".git");
  if (entries.length > 0) {
    throw new ConflictError(`${dir} is not empty.`, { hint: "Choose a new or empty directory; zen flavor init never overwrites files." });
  }
}
