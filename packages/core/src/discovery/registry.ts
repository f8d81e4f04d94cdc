/**
 * The flavor registry: built-ins, discovered packages and the profile's custom flavors, merged with
 * one precedence (custom > package > builtin). `list()` and `find()` are served from the discovery
 * index (cached: a warm start stats a few files, reads one JSON file and imports no package code);
 * only `load()` imports a flavor's module.
 */
import { COMPONENT_TYPE_KEYS, componentType, type ComponentType } from "../component-types.ts";
import { ZenError } from "../errors.ts";
import type { Flavor } from "../flavor.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import { cacheLocations, discoveryKey, readCachedIndex, readPreviousIndex, writeCachedIndex } from "./cache.ts";
import { candidatesOf, readDependencySources } from "./candidates.ts";
import { customFlavorInfo } from "./custom-module.ts";
import type { DiscoveryIndex, IndexedPackage } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo, FlavorSource } from "./flavor-info.ts";
import type { FlavorRegistry, FlavorRegistryOptions } from "./flavor-registry-api.ts";
import { causeMessage, importModule, moduleEntries } from "./import-module.ts";
import { unknownFlavorError } from "./unknown-flavor.ts";

export interface DiscoveryResult {
  index: DiscoveryIndex;
  /** Where the index was read from or written to (undefined when no cache location was writable). */
  cacheFile: string | undefined;
  cacheHit: boolean;
}

export type DiscoveryOptions = Pick<FlavorRegistryOptions, "projectRoot" | "cliRoot" | "cacheDir" | "fresh">;

/** The discovery index: from the cache when it is current (and `fresh` is not set), else a full scan. */
export async function discover(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const sources = readDependencySources(options.projectRoot, options.cliRoot);
  const key = discoveryKey(sources);
  const locations = cacheLocations(options.projectRoot, options.cliRoot, options.cacheDir);
  if (!options.fresh) {
    const cached = readCachedIndex(locations, key);
    if (cached) return { index: cached.index, cacheFile: cached.file, cacheHit: true };
  }
  // The scanner loads zod, semver and the built-in flavors: only on a cache miss.
  const { scanPackages } = await import("./scan.ts");
  const index = await scanPackages(candidatesOf(sources), key, sources.problems);
  const { formerFlavors } = await import("./former-flavors.ts");
  const former = formerFlavors(readPreviousIndex(locations), index);
  if (former.length > 0) index.formerFlavors = former;
  const cacheFile = await writeCachedIndex(locations, index);
  return { index, cacheFile, cacheHit: false };
}

type Origin = { kind: "builtin" } | { kind: "package"; pkg: IndexedPackage } | { kind: "custom"; record: CustomFlavorRecord };

interface Entry {
  info: FlavorInfo;
  origin: Origin;
}

const RANK = { custom: 0, package: 1, builtin: 2 } as const;

function keyOf(type: string, name: string): string {
  return `${type}/${name}`;
}

function describeSource(source: FlavorSource): string {
  if (source.kind === "builtin") return "the built-in one";
  if (source.kind === "package") return `the one from ${source.package}`;
  return `the custom one from ${source.specifier}`;
}

function group(type: ComponentType): string {
  return componentType(type).cliGroup;
}

function sourceLabel(source: FlavorSource): string {
  if (source.kind === "builtin") return "built-in";
  if (source.kind === "package") return `from ${source.package}`;
  return `custom (${source.specifier})`;
}

class DiscoveredFlavorRegistry implements FlavorRegistry {
  #discovery: Promise<DiscoveryResult> | undefined;
  #entries: Promise<Map<string, Entry>> | undefined;

  constructor(private readonly options: FlavorRegistryOptions) {}

  discovery(): Promise<DiscoveryResult> {
    this.#discovery ??= discover(this.options);
    return this.#discovery;
  }

  private entries(): Promise<Map<string, Entry>> {
    this.#entries ??= this.discovery().then(({ index }) => this.merge(index));
    return this.#entries;
  }

  private merge(index: DiscoveryIndex): Map<string, Entry> {
    const groups = new Map<string, Entry[]>();
    const add = (entry: Entry) => {
      const key = keyOf(entry.info.type, entry.info.name);
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    };
    for (const record of this.options.customFlavors) add({ info: customFlavorInfo(record), origin: { kind: "custom", record } });
    for (const pkg of index.packages) for (const info of pkg.flavors) add({ info, origin: { kind: "package", pkg } });
    for (const info of index.builtins) add({ info, origin: { kind: "builtin" } });

    const warn = this.options.onWarning ?? ((message: string) => process.stderr.write(`Warning: ${message}\n`));
    const merged = new Map<string, Entry>();
    for (const [key, group] of groups) {
      const ordered = [...group].sort((a, b) => RANK[a.origin.kind] - RANK[b.origin.kind]);
      const winner = ordered[0]!;
      const shadowed = ordered.slice(1);
      if (shadowed.length > 0) {
        winner.info = { ...winner.info, shadows: shadowed.map((entry) => entry.info.source) };
        const display = componentType(winner.info.type).displayName;
        for (const loser of shadowed) {
          if (loser.origin.kind === winner.origin.kind) continue; // a duplicate, reported as a problem
          const winnerLabel = sourceLabel(winner.info.source);
          warn(`The ${display} flavor '${winner.info.name}' ${winnerLabel} shadows ${describeSource(loser.info.source)}.`);
        }
      }
      merged.set(key, winner);
    }
    return merged;
  }

  async list(type?: ComponentType): Promise<FlavorInfo[]> {
    const order = (t: ComponentType) => COMPONENT_TYPE_KEYS.indexOf(t);
    return [...(await this.entries()).values()]
      .map((entry) => entry.info)
      .filter((info) => type === undefined || info.type === type)
      // Code-point order: localeCompare would load ICU's collator (~6 ms of a warm start).
      .sort((a, b) => order(a.type) - order(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async find(type: ComponentType, name: string): Promise<FlavorInfo | undefined> {
    return (await this.entries()).get(keyOf(type, name))?.info;
  }

  async problems(): Promise<DiscoveryProblem[]> {
    const { index } = await this.discovery();
    const custom: DiscoveryProblem[] = [];
    for (const entry of (await this.entries()).values()) {
      if (entry.origin.kind !== "custom" || entry.info.ready) continue;
      custom.push({
        package: entry.origin.record.specifier,
        root: entry.origin.record.root,
        phase: "resolve",
        message: entry.info.problem ?? "The custom flavor cannot be loaded.",
        hint: `Fix the module path, or register the flavor again with \`zen ${group(entry.info.type)} flavor register\`.`,
      });
    }
    return [...index.problems, ...custom];
  }

  async load(type: ComponentType, name: string, options: { package?: string | undefined } = {}): Promise<Flavor> {
    const entry = (await this.entries()).get(keyOf(type, name));
    if (!entry) {
      const available = (await this.list(type)).map((info) => info.name);
      const { index } = await this.discovery();
      // Where the flavor came from: the component's own record, else discovery's memory.
      const former =
        (options.package ? { package: options.package } : undefined) ??
        index.formerFlavors?.find((f) => f.type === type && f.name === name);
      const problem = former && index.problems.find((p) => p.package === former.package);
      throw unknownFlavorError(type, name, available, {
        projectRoot: this.options.projectRoot,
        ...(former ? { former: { package: former.package, problem } } : {}),
      });
    }
    const display = componentType(type).displayName;
    if (!entry.info.ready) {
      const { origin } = entry;
      const owner = origin.kind === "package" ? origin.pkg.name : origin.kind === "custom" ? origin.record.specifier : undefined;
      const problem = (await this.problems()).find((p) => p.package === owner);
      throw new ZenError(`The ${display} flavor '${name}' cannot be used: ${entry.info.problem ?? "its package is broken."}`, {
        hint: problem?.hint ?? "Run `zen doctor` for details.",
        code: "ZEN_FLAVOR_UNAVAILABLE",
      });
    }
    switch (entry.origin.kind) {
      case "builtin": {
        const { builtinFlavor } = await import("../flavors/builtin.ts");
        const flavor = builtinFlavor(type, name);
        if (!flavor) throw new Error(`Built-in ${display} flavor '${name}' is indexed but not defined.`);
        return flavor;
      }
      case "custom": {
        const { loadCustomFlavor } = await import("./custom-flavor.ts");
        const { record } = entry.origin;
        return loadCustomFlavor({ type, name, specifier: record.specifier, root: record.root });
      }
      case "package":
        return loadPackageFlavor(entry.origin.pkg, type, name);
    }
  }
}

async function loadPackageFlavor(pkg: IndexedPackage, type: ComponentType, name: string): Promise<Flavor> {
  const display = componentType(type).displayName;
  const rediscover = "Run `zen doctor` to rediscover the installed flavor packages.";
  if (!pkg.flavorsFile) {
    throw new ZenError(`The ${display} flavor '${name}' of ${pkg.name} has no flavors module.`, { hint: rediscover });
  }
  let ns: Record<string, unknown>;
  try {
    ns = await importModule(pkg.flavorsFile);
  } catch (error) {
    throw new ZenError(`Could not load the ${display} flavor '${name}' from ${pkg.name}: ${causeMessage(error)}`, {
      hint: `Reinstall ${pkg.name}. ${rediscover}`,
      code: "ZEN_FLAVOR_UNAVAILABLE",
      cause: error,
    });
  }
  const { isFlavor } = await import("../flavor.ts");
  const flavor = (moduleEntries(ns) ?? []).find((f): f is Flavor => isFlavor(f) && f.type === type && f.name === name);
  if (!flavor) {
    throw new ZenError(`${pkg.name} no longer provides the ${display} flavor '${name}'.`, {
      hint: rediscover,
      code: "ZEN_FLAVOR_UNAVAILABLE",
    });
  }
  return flavor;
}

export function createFlavorRegistry(options: FlavorRegistryOptions): FlavorRegistry {
  return new DiscoveredFlavorRegistry(options);
}
