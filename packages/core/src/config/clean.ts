/**
 * `zen clean`: removes what zen created in the global config directory and in the current
 * repository's `.zen`, and nothing else. It works from a plan (what it would remove, what it leaves)
 * so the command can list it before asking, and `--dry-run` can show it without deleting.
 */
import { readdir, rm, rmdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { KEY_FILE_NAME } from "../secrets/key-file.ts";
import { readYamlMapping } from "../fs/yaml-file.ts";
import { GLOBAL_CONFIG_FILE, globalConfigDir, localStoresDir, profilesDir, type Env } from "./paths.ts";
import { findRepositoryRoot, REPOSITORY_DIR } from "./repository.ts";

export interface CleanOptions {
  cwd?: string;
  env?: Env;
}

export interface CleanPlan {
  /** zen's own files and folders, removed by `executeClean`. */
  remove: string[];
  /** Everything else found next to them, left in place. */
  keep: string[];
  /** Directories removed too if nothing is left in them (the config directory, `.zen`). */
  containers: string[];
}

/** What zen writes next to a YAML file it owns: parse cache, backup, lock, and leftovers of killed writers. */
function isCompanionOf(name: string, file: string): boolean {
  return (
    name === file ||
    name === `.${file}.parsed.json` ||
    name === `${file}.bak` ||
    name === `${file}.lock` ||
    name === `${file}.lock.takeover` ||
    (name.startsWith(`.${file}.`) && name.endsWith(".tmp")) ||
    (name.startsWith(`${file}.`) && name.endsWith(".tmp"))
  );
}

/** Entries of the global config directory that zen creates. */
const CONFIG_DIR_ENTRIES = new Set([profilesDir(""), localStoresDir(""), "cache", "secrets", KEY_FILE_NAME].map((p) => p.replace(/^\//, "")));

function isZenConfigEntry(name: string): boolean {
  return CONFIG_DIR_ENTRIES.has(name) || isCompanionOf(name, GLOBAL_CONFIG_FILE);
}

function isZenRepositoryEntry(name: string): boolean {
  return name === ".gitignore" || isCompanionOf(name, "config.yaml");
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

/** Only a directory whose config.yaml is zen's is treated as zen's: a mistaken ZEN_CONFIG_PATH must not lose files. */
async function holdsZenConfig(dir: string): Promise<boolean> {
  const file = join(dir, GLOBAL_CONFIG_FILE);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return false;
  try {
    const raw = await readYamlMapping(file);
    return raw !== undefined && (Object.hasOwn(raw, "profiles") || Object.hasOwn(raw, "user_id"));
  } catch {
    // A damaged config.yaml in a directory that holds zen's other entries is still zen's.
    return (await entries(dir)).some((name) => name === "profiles");
  }
}

/** What `zen clean` would remove and what it would leave, without changing anything. */
export async function planClean(options: CleanOptions = {}): Promise<CleanPlan> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const plan: CleanPlan = { remove: [], keep: [], containers: [] };
  const root = await findRepositoryRoot(cwd, env).catch(() => undefined);
  if (root) {
    const dir = join(root, REPOSITORY_DIR);
    for (const name of await entries(dir)) (isZenRepositoryEntry(name) ? plan.remove : plan.keep).push(join(dir, name));
    plan.containers.push(dir);
  }
  const configDir = globalConfigDir(env, cwd);
  if (await holdsZenConfig(configDir)) {
    for (const name of await entries(configDir)) (isZenConfigEntry(name) ? plan.remove : plan.keep).push(join(configDir, name));
    plan.containers.push(configDir);
  }
  return plan;
}

/** Removes what the plan lists, then each container left empty. Returns what was removed. */
export async function executeClean(plan: CleanPlan): Promise<string[]> {
  const removed: string[] = [];
  for (const path of plan.remove) {
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  for (const dir of plan.containers) {
    // rmdir refuses a non-empty directory: whatever the user kept there stays, and so does the directory.
    if (
      await rmdir(dir).then(
        () => true,
        () => false,
      )
    )
      removed.push(dir);
  }
  return removed;
}

/** Plans and executes in one go; returns the paths removed. */
export async function cleanAll(options: CleanOptions = {}): Promise<string[]> {
  return executeClean(await planClean(options));
}
