/** The names a scaffolded flavor package uses, derived from the flavor name and its component type. */
import type { ComponentTypeInfo } from "@zen/core/command-line";

export interface ScaffoldNames {
  type: ComponentTypeInfo;
  /** The flavor name, e.g. `memo`. */
  flavor: string;
  /** The npm package name, e.g. `zen-integration-memo`. */
  packageName: string;
  /** `MemoArtifactStore` */
  className: string;
  /** `memo-artifact-store` (the implementation module, without extension) */
  moduleName: string;
  /** `memoArtifactStore` (the flavor's export) */
  flavorConst: string;
  /** `memoArtifactStoreConfig` (the config schema's export) */
  configConst: string;
  /** `MemoArtifactStoreConfig` (the config type) */
  configType: string;
  /** `ArtifactStore` */
  typePascal: string;
  /** The @zen/core version range for peerDependencies, e.g. `^0.1.0`. */
  coreRange: string;
  /** What devDependencies install @zen/core and @zen/cli from: the exact version of the zen that wrote the package, or `file:` tarballs/directories. */
  coreSpec: string;
  cliSpec: string;
}

/** Flavor names: what defineFlavor accepts. */
export const FLAVOR_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** npm package names (lower case, optionally scoped, URL-safe). */
export const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export function kebabCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join("-")
    .toLowerCase();
}

/** The conventional third-party name: `zen-integration-<flavor>` (a scope is the author's choice). */
export function defaultPackageName(flavor: string): string {
  return `zen-integration-${kebabCase(flavor)}`;
}

export function scaffoldNames(options: {
  type: ComponentTypeInfo;
  flavor: string;
  packageName: string;
  coreVersion: string;
  coreSpec?: string | undefined;
  cliSpec?: string | undefined;
}): ScaffoldNames {
  const typePascal = pascalCase(options.type.key);
  // A flavor name that starts with a digit still needs identifiers that start with a letter.
  const base = /^[0-9]/.test(options.flavor) ? `flavor-${options.flavor}` : options.flavor;
  const className = `${pascalCase(base)}${typePascal}`;
  const coreRange = `^${options.coreVersion}`;
  return {
    type: options.type,
    flavor: options.flavor,
    packageName: options.packageName,
    className,
    moduleName: kebabCase(className),
    flavorConst: camelCase(className),
    configConst: `${camelCase(className)}Config`,
    configType: `${className}Config`,
    typePascal,
    coreRange,
    // Pinned to the zen that wrote the package: its tests and checks run against what generated them.
    coreSpec: options.coreSpec ?? options.coreVersion,
    cliSpec: options.cliSpec ?? options.coreVersion,
  };
}
