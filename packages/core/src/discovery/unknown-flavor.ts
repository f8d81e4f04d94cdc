/** The error for a flavor nobody provides: what is available, and what to install if a known package has it. */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { componentType, type ComponentType } from "../component-types.ts";
import { NotFoundError } from "../errors.ts";
import { knownPackageFor } from "../known-packages.ts";
import type { DiscoveryProblem } from "./flavor-info.ts";
import { readJsonFile, type PackageJson } from "./package-json.ts";

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

const LOCKFILES: [string, PackageManager][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

/** The project's package manager: `packageManager` in package.json or the lockfile, nearest first; npm otherwise. */
export function detectPackageManager(projectRoot: string | undefined): PackageManager {
  let dir = projectRoot;
  while (dir) {
    let declared: string | undefined;
    try {
      declared = readJsonFile<PackageJson>(join(dir, "package.json"))?.packageManager;
    } catch {
      declared = undefined; // a malformed package.json is reported elsewhere
    }
    const name = declared?.split("@")[0];
    if (name === "npm" || name === "pnpm" || name === "yarn" || name === "bun") return name;
    for (const [file, manager] of LOCKFILES) {
      if (statSync(join(dir, file), { throwIfNoEntry: false })?.isFile()) return manager;
    }
    const parent = dirname(dir);
    dir = parent === dir ? undefined : parent;
  }
  return "npm";
}

/** `npm install X`, `pnpm add X`, …; without a project, a global install next to the CLI. */
export function installCommand(manager: PackageManager, packageName: string, global = false): string {
  if (global) {
    return manager === "npm" ? `npm install --global ${packageName}` : `${manager} add --global ${packageName}`;
  }
  return manager === "npm" ? `npm install ${packageName}` : `${manager} add ${packageName}`;
}

export interface UnknownFlavorOptions {
  /** The user's project (for the package manager in the install hint); none means a global install. */
  projectRoot?: string | undefined;
  /** The package that provided the flavor in an earlier discovery, and its problem if it is still installed but broken. */
  former?: { package: string; problem?: DiscoveryProblem | undefined } | undefined;
}

export function unknownFlavorError(type: ComponentType, name: string, available: readonly string[], options: UnknownFlavorOptions = {}): NotFoundError {
  const info = componentType(type);
  const hints: string[] = [];
  const { former } = options;
  if (former?.problem) {
    // Still installed, but discovery cannot use it: say why.
    return new NotFoundError(
      `No ${info.displayName} flavor '${name}': it comes from ${former.package}, which cannot be used (${former.problem.message.replace(/\.$/, "")}).`,
      {
        hint: former.problem.hint ?? "Run `zen doctor` for details.",
        code: "ZEN_FLAVOR_UNAVAILABLE", // installed: reinstalling or fixing it helps, installing does not
      },
    );
  }
  if (former) {
    const command = installCommand(detectPackageManager(options.projectRoot), former.package, options.projectRoot === undefined);
    return new NotFoundError(`No ${info.displayName} flavor '${name}': it came from ${former.package}, which is no longer installed.`, {
      hint: `Install it again with \`${command}\`, or change the component's flavor.`,
      code: "ZEN_UNKNOWN_FLAVOR",
    });
  }
  const provider = knownPackageFor(type, name);
  if (provider) {
    const command = installCommand(detectPackageManager(options.projectRoot), provider, options.projectRoot === undefined);
    hints.push(`It is provided by ${provider}: install it with \`${command}\`.`);
  }
  const names = [...new Set(available)].sort();
  hints.push(names.length > 0 ? `Available ${info.displayName} flavors: ${names.join(", ")}.` : `No ${info.displayName} flavors are available.`);
  if (!provider) {
    hints.push(`To add your own, run \`zen ${info.cliGroup} flavor register <module>#<export>\`.`);
  }
  return new NotFoundError(`No ${info.displayName} flavor '${name}'.`, { hint: hints.join(" "), code: "ZEN_UNKNOWN_FLAVOR" });
}
