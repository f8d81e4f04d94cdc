import type { ComponentType } from "../component-types.ts";
import type { Flavor } from "../flavor.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import type { DiscoveryProblem, FlavorInfo, FlavorSource } from "./flavor-info.ts";

/**
 * All flavors available to a profile in a project: built-ins, flavors of installed packages
 * (discovered through the `zen` key of package.json, served from a cache) and the profile's custom flavors.
 * A built-in's name always means the built-in (a package's or custom flavor's claim on it is a
 * problem); a custom flavor shadows a package's (with a warning); a name two packages provide is a
 * conflict that only components registered with one of them (their recorded package) can use.
 */
export interface FlavorRegistry {
  /** From the cache: imports no package code. */
  list(type?: ComponentType): Promise<FlavorInfo[]>;
  find(type: ComponentType, name: string): Promise<FlavorInfo | undefined>;
  /** Every source that provides this type/name (built-in, custom, packages), whatever the name stands for. */
  claims(type: ComponentType, name: string): Promise<FlavorSource[]>;
  /**
   * Imports the flavor's module. Throws a ZenError for an unknown flavor (listing the available ones,
   * and the install command if a known package provides it) or a broken package (with its cause).
   * `options.package` is the package a component recorded for the flavor: loaded from that package
   * whatever else claims the name, and named if it is gone.
   */
  load(type: ComponentType, name: string, options?: { package?: string | undefined }): Promise<Flavor>;
  /** Broken packages, incompatible versions and duplicates, each with its cause. */
  problems(): Promise<DiscoveryProblem[]>;
}

export interface FlavorRegistryOptions {
  /** Nearest directory with a package.json above cwd (the user's project), if any. */
  projectRoot: string | undefined;
  /** Root of the installed @zen/cli (packages installed next to it are candidates too). */
  cliRoot: string | undefined;
  customFlavors: readonly CustomFlavorRecord[];
  /** Where the discovery index may be cached when node_modules is not writable. */
  cacheDir: string;
  /** Ignore the cache (zen doctor). */
  fresh?: boolean;
  env?: Record<string, string | undefined>;
  /** Receives one warning per shadowed flavor (default: printed to stderr). */
  onWarning?: (message: string) => void;
}
