/**
 * The flavor registry: built-ins, discovered packages and the profile's custom flavors. A built-in's
 * name is never taken; otherwise a custom flavor shadows a package's, and two packages providing one
 * name are a conflict (see merge()). `list()` and `find()` are served from the discovery
 * index (cached: a warm start stats a few files, reads one JSON file and imports no package code);
 * only `load()` imports a flavor's module.
 */
import { COMPONENT_TYPE_KEYS, componentType, type ComponentType } from "../component-types.ts";
import { ZenError } from "../errors.ts";
import type { Flavor } from "../flavor.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import { conflictMessage } from "./assemble-index.ts";
import { cacheLocations, discoveryKey, readCachedIndex, readPreviousIndex, writeCachedIndex } from "./cache.ts";
import { candidatesOf, readDependencySources } from "./candidates.ts";
import { rememberDescription, rememberedDescriptions } from "./custom-descriptions.ts";
import { customFlavorInfo, customModuleFile } from "./custom-module.ts";
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

export type DiscoveryOptions = Pick<FlavorRegistryOptions, "projectRoot" | "cliRoot" | "cacheDir" | "fresh" | "env">;

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
  const { scanPackages } = await import("./isolated-scan.ts");
  const index = await scanPackages(candidatesOf(sources), key, sources.problems, options.env ? { env: options.env } : {});
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

/** Every source of one type/name, and the one the name stands for (what lists and new components use). */
interface Group {
  listed: Entry;
  all: Entry[];
}

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
  #groups: Promise<Map<string, Group>> | undefined;

  constructor(private readonly options: FlavorRegistryOptions) {}

  discovery(): Promise<DiscoveryResult> {
    this.#discovery ??= discover(this.options);
    return this.#discovery;
  }

  private groups(): Promise<Map<string, Group>> {
    this.#groups ??= this.discovery().then(({ index }) => this.merge(index));
    return this.#groups;
  }

  /**
   * What each name stands for: a built-in always (a package or custom flavor cannot take its name);
   * else a custom flavor (shadowing a package's, with a warning); else the one package providing it,
   * or, when several do, a conflict that cannot be used by name (components keep their own package).
   */
  private merge(index: DiscoveryIndex): Map<string, Group> {
    const all = new Map<string, Entry[]>();
    const add = (entry: Entry) => {
      const key = keyOf(entry.info.type, entry.info.name);
      all.set(key, [...(all.get(key) ?? []), entry]);
    };
    for (const info of index.builtins) add({ info, origin: { kind: "builtin" } });
    const described = rememberedDescriptions(this.options.cacheDir, this.options.customFlavors, customModuleFile);
    for (const record of this.options.customFlavors) {
      add({ info: customFlavorInfo(record, described.get(record)), origin: { kind: "custom", record } });
    }
    for (const pkg of index.packages) for (const info of pkg.flavors) add({ info, origin: { kind: "package", pkg } });

    const warn = this.options.onWarning ?? ((message: string) => process.stderr.write(`Warning: ${message}\n`));
    const merged = new Map<string, Group>();
    for (const [key, entries] of all) {
      const builtin = entries.find((e) => e.origin.kind === "builtin");
      const custom = entries.find((e) => e.origin.kind === "custom");
      const packages = entries.filter((e) => e.origin.kind === "package");
      let listed: Entry;
      if (builtin) {
        listed = builtin; // claims on a built-in's name are problems of the index (packages) or of problems() (custom)
      } else if (custom) {
        listed = { ...custom, info: { ...custom.info, ...(packages.length ? { shadows: packages.map((e) => e.info.source) } : {}) } };
        const display = componentType(custom.info.type).displayName;
        for (const loser of packages)
          warn(`The ${display} flavor '${custom.info.name}' ${sourceLabel(custom.info.source)} shadows ${describeSource(loser.info.source)}.`);
      } else if (packages.length > 1) {
        const [first, ...others] = packages as [Entry, ...Entry[]];
        const owners = packages.map((e) => (e.origin as { pkg: IndexedPackage }).pkg.name);
        const problem = conflictMessage(first.info.type, first.info.name, owners);
        listed = { ...first, info: { ...first.info, ready: false, problem, shadows: others.map((e) => e.info.source) } };
      } else {
        listed = packages[0]!;
      }
      merged.set(key, { listed, all: entries });
    }
    return merged;
  }

  async list(type?: ComponentType): Promise<FlavorInfo[]> {
    const order = (t: ComponentType) => COMPONENT_TYPE_KEYS.indexOf(t);
    return (
      [...(await this.groups()).values()]
        .map((entry) => entry.listed.info)
        .filter((info) => type === undefined || info.type === type)
        // Code-point order: localeCompare would load ICU's collator (~6 ms of a warm start).
        .sort((a, b) => order(a.type) - order(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    );
  }

  async find(type: ComponentType, name: string): Promise<FlavorInfo | undefined> {
    return (await this.groups()).get(keyOf(type, name))?.listed.info;
  }

  async claims(type: ComponentType, name: string): Promise<FlavorSource[]> {
    return ((await this.groups()).get(keyOf(type, name))?.all ?? []).map((entry) => entry.info.source);
  }

  async problems(): Promise<DiscoveryProblem[]> {
    const { index } = await this.discovery();
    const custom: DiscoveryProblem[] = [];
    for (const { all } of (await this.groups()).values()) {
      for (const entry of all) {
        if (entry.origin.kind !== "custom") continue;
        const { record } = entry.origin;
        const fix = `register the flavor again with \`zen ${group(entry.info.type)} flavor register\``;
        if (all.some((e) => e.origin.kind === "builtin")) {
          const display = componentType(entry.info.type).displayName;
          custom.push({
            package: record.specifier,
            root: record.root,
            phase: "conflict",
            message: `The custom ${display} flavor '${record.name}' from ${record.specifier} has the name of a built-in flavor: the built-in one is used.`,
            hint: `Rename the flavor in ${record.specifier} and ${fix}.`,
          });
        } else if (!entry.info.ready) {
          custom.push({
            package: record.specifier,
            root: record.root,
            phase: "resolve",
            message: entry.info.problem ?? "The custom flavor cannot be loaded.",
            hint: `Fix the module path, or ${fix}.`,
          });
        }
      }
    }
    return [...index.problems, ...custom];
  }

  /**
   * `options.package` is the package a component was registered with: the flavor is loaded from that
   * package whatever else now claims the name, and its absence is an error naming it.
   */
  async load(type: ComponentType, name: string, options: { package?: string | undefined } = {}): Promise<Flavor> {
    const found = (await this.groups()).get(keyOf(type, name));
    const entry = options.package ? found?.all.find((e) => e.origin.kind === "package" && e.origin.pkg.name === options.package) : found?.listed;
    if (!entry) {
      const available = (await this.list(type)).map((info) => info.name);
      const { index } = await this.discovery();
      // Where the flavor came from: the component's own record, else discovery's memory.
      const former = (options.package ? { package: options.package } : undefined) ?? index.formerFlavors?.find((f) => f.type === type && f.name === name);
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
      const problems = await this.problems();
      const problem = problems.find((p) => p.message === entry.info.problem) ?? problems.find((p) => p.package === owner);
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
        const flavor = await loadCustomFlavor({ type, name, specifier: record.specifier, root: record.root });
        // Imported anyway: remember what it says about itself, for lists that import nothing.
        const file = customModuleFile(record);
        if (file) await rememberDescription(this.options.cacheDir, record, file, flavor);
        return flavor;
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
