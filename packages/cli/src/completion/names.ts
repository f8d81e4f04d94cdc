/**
 * The names shell completion offers (profiles, stacks, components, flavors, secrets), read from the
 * files zen keeps and never written: a completion runs on every Tab, so it must be fast, must not
 * create the default profile, and must not import a flavor package. YAML files are read through the
 * parse cache zen keeps next to them (the `yaml` library is loaded only when that cache is stale);
 * flavors come from the discovery cache as last written, never from a scan. Anything unreadable
 * completes to nothing: a broken configuration is reported by the command itself, not on Tab.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COMPONENT_TYPES, loadZen, type ComponentType } from "@zen/core/command-line";
import { cliPackage } from "../cli-package.ts";
import { loadYaml } from "../yaml.ts";

export interface NameContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** `--profile` / `--stack` given earlier on the line being completed. */
  profile?: string | undefined;
  stack?: string | undefined;
}

export interface Names {
  profiles(): Promise<string[]>;
  stacks(): Promise<string[]>;
  components(type: ComponentType): Promise<string[]>;
  flavors(type: ComponentType): Promise<string[]>;
  secrets(): Promise<string[]>;
}

type Mapping = Record<string, unknown>;
/** A profile's records as `stacks.yaml` lays them out: by type, then by name. */
interface Store {
  stacks: Mapping;
  components: Mapping;
  flavors: Mapping;
}
const isMapping = (value: unknown): value is Mapping => typeof value === "object" && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});
/** A user-named entry: never one of Object.prototype's (`constructor` is a name like any other). */
const own = (value: Mapping, key: string): unknown => (Object.hasOwn(value, key) ? value[key] : undefined);
const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);

/** Where `zen` keeps its configuration: `ZEN_CONFIG_PATH`, else the platform's config directory (as env-paths names it). */
export function configDirOf(env: Record<string, string | undefined>, cwd: string): string {
  const override = env.ZEN_CONFIG_PATH?.trim();
  if (override) return isAbsolute(override) ? override : resolve(cwd, override);
  const home = homedir();
  if (process.platform === "darwin") return join(home, "Library", "Preferences", "zen");
  if (process.platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "zen", "Config");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "zen");
}

/** A YAML file's value: from its parse cache when the text matches, else parsed; `undefined` if unreadable. */
async function readYaml(file: string): Promise<unknown> {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const cached = JSON.parse(readFileSync(join(dirname(file), `.${basename(file)}.parsed.json`), "utf8")) as Mapping;
    if (cached.text === source && "value" in cached) return cached.value;
  } catch {
    /* no usable parse cache */
  }
  try {
    return (await loadYaml()).parse(source, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function findUp(start: string, found: (dir: string) => boolean): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (found(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

export function readNames(context: NameContext): Names {
  const configDir = configDirOf(context.env, context.cwd);
  const memo = <T>(load: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= load());
  };

  const globalConfig = memo(async () => mapping(await readYaml(join(configDir, "config.yaml"))));
  const repository = memo(async () => {
    const explicit = text(context.env.ZEN_REPOSITORY_PATH);
    const root = explicit ? resolve(context.cwd, explicit) : findUp(context.cwd, (dir) => isDirectory(join(dir, ".zen")));
    return root ? mapping(await readYaml(join(root, ".zen", "config.yaml"))) : {};
  });

  /** The profile in effect, in zen's resolution order: flag, environment, repository, global, `default`. */
  const activeProfile = memo(async () => {
    const name =
      text(context.profile) ??
      text(context.env.ZEN_PROFILE) ??
      text((await repository()).active_profile_name) ??
      text((await globalConfig()).active_profile) ??
      "default";
    const profiles = mapping((await globalConfig()).profiles);
    return { name, entry: Object.hasOwn(profiles, name) ? mapping(profiles[name]) : undefined };
  });

  /** The active profile's stacks and components, or undefined when the profile has none to read. */
  const store = memo(async (): Promise<Store | undefined> => {
    const { name, entry } = await activeProfile();
    if (!entry) return undefined;
    const url = text(entry.store_url);
    if (entry.store_type === "local" && url) {
      const dir = url.startsWith("file:") ? fileURLToPath(url) : url;
      const value = mapping(await readYaml(join(dir, "stacks.yaml")));
      return { stacks: mapping(value.stacks), components: mapping(value.components), flavors: mapping(value.flavors) };
    }
    if (entry.store_type === "sql") return sqlStore(name, context);
    return undefined;
  });

  const activeStack = memo(async () => {
    const repo = await repository();
    const { name: profile, entry } = await activeProfile();
    const repositoryStack = (text(repo.active_profile_name) ?? profile) === profile ? text(repo.active_stack_name) : undefined;
    return text(context.stack) ?? text(context.env.ZEN_STACK) ?? repositoryStack ?? text(entry?.active_stack) ?? "default";
  });

  const keys = (value: unknown) => Object.keys(mapping(value)).sort();
  return {
    profiles: async () => keys((await globalConfig()).profiles),
    stacks: async () => keys((await store())?.stacks),
    components: async (type) => keys((await store())?.components[type]),
    flavors: async (type) => [...new Set([...flavorNames(type, context, configDir), ...keys((await store())?.flavors[type])])].sort(),
    secrets: async () => {
      const loaded = await store();
      const stack = mapping(own(loaded?.stacks ?? {}, await activeStack()));
      const managerName = text(mapping(stack.components).secrets_manager);
      if (!loaded || !managerName) return [];
      const manager = mapping(own(mapping(loaded.components.secrets_manager), managerName));
      // Only the built-in manager can be read without importing a flavor package.
      if (manager.flavor !== "local" || typeof manager.id !== "string") return [];
      const { readLocalSecretNames } = await import("@zen/core/local-secrets");
      const { path } = mapping(manager.config);
      return readLocalSecretNames({ id: manager.id, configDir, path: typeof path === "string" ? path : undefined });
    },
  };
}

/** Flavor names of a type from the discovery cache as last written (project's, else the user cache's). */
function flavorNames(type: ComponentType, context: NameContext, configDir: string): string[] {
  const project = findUp(context.cwd, (dir) => isFile(join(dir, "package.json")));
  const files = [...(project ? newestFirst(join(project, "node_modules", ".cache", "zen")) : []), ...newestFirst(join(configDir, "cache"))];
  const names = new Set<string>();
  for (const file of files) {
    let index: Mapping;
    try {
      index = mapping(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      continue;
    }
    const packages = Array.isArray(index.packages) ? index.packages.map(mapping) : [];
    const flavors = [index.builtins, ...packages.map((p) => p.flavors)].flatMap((list) => (Array.isArray(list) ? list.map(mapping) : []));
    for (const flavor of flavors) if (flavor.type === type && typeof flavor.name === "string") names.add(flavor.name);
    if (names.size > 0) break;
  }
  return [...names];
}

/** A cache directory's JSON files, newest first (in the user cache, which project each belongs to is a hash: any recent one will do). */
function newestFirst(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => join(dir, name))
      .map((file) => ({ file, time: statSync(file).mtimeMs }))
      .sort((a, b) => b.time - a.time)
      .map((entry) => entry.file);
  } catch {
    return [];
  }
}

/** A SQL profile: the facade reads it (the profile exists, so opening it creates nothing). */
async function sqlStore(profile: string, context: NameContext): Promise<Store> {
  const { Zen } = await loadZen();
  const zen = await Zen.open({ env: context.env, cwd: context.cwd, profile, cliRoot: cliPackage().root });
  try {
    const stacks = Object.fromEntries((await zen.listStacks()).map((stack) => [stack.name, { components: stack.components }]));
    const components: Mapping = {};
    for (const { key } of COMPONENT_TYPES) {
      components[key] = Object.fromEntries((await zen.listComponents(key)).map((c) => [c.name, { id: c.id, flavor: c.flavor, config: c.config }]));
    }
    return { stacks, components, flavors: {} };
  } finally {
    zen.close();
  }
}
