/**
 * A repository is a project directory holding `.zen/config.yaml`, which pins the profile and stack
 * active there. Stacks stay in the profile; the repository holds names only.
 */
import { statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { NotFoundError } from "../errors.ts";
import { ensurePrivateDir } from "../fs/atomic-write.ts";
import { withLock } from "../fs/lock.ts";
import { preloadYaml, readYamlMapping, writeYamlFile } from "../fs/yaml-file.ts";
import { checkFormatVersion } from "./format-version.ts";
import type { Env } from "./paths.ts";
import { Shape } from "./shape.ts";

export const REPOSITORY_DIR = ".zen";
export const REPOSITORY_FORMAT_VERSION = 1;

export interface RepositoryConfig {
  active_profile_name?: string | undefined;
  active_stack_name?: string | undefined;
}

/** Keys of `.zen/config.yaml` zen does not know (written by another zen version or by hand): kept on rewrite. */
async function readOtherKeys(file: string): Promise<Record<string, unknown>> {
  const raw = await readYamlMapping(file);
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (key !== "format_version" && key !== "active_profile_name" && key !== "active_stack_name") out[key] = value;
  }
  return out;
}

export function repositoryConfigFile(root: string): string {
  return join(root, REPOSITORY_DIR, "config.yaml");
}

// Synchronous: walking up the tree awaits no thread-pool round trip per directory.
function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function isRepositoryRoot(dir: string): boolean {
  return isDirectory(join(dir, REPOSITORY_DIR));
}

/**
 * `ZEN_REPOSITORY_PATH` names the root exactly (no walking up, and an error if it holds no
 * repository: the user asked for it explicitly); otherwise the nearest ancestor of `cwd` with `.zen/`.
 */
export async function findRepositoryRoot(cwd: string, env: Env): Promise<string | undefined> {
  const explicit = env.ZEN_REPOSITORY_PATH?.trim();
  if (explicit) {
    const root = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (isRepositoryRoot(root)) return root;
    throw new NotFoundError(`ZEN_REPOSITORY_PATH points to '${root}', which holds no zen repository.`, {
      hint: `Run \`zen init\` in '${root}', or unset ZEN_REPOSITORY_PATH to use the repository around the working directory.`,
    });
  }
  let dir = resolve(cwd);
  for (;;) {
    if (isRepositoryRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function readRepositoryConfig(root: string): Promise<RepositoryConfig> {
  const file = repositoryConfigFile(root);
  const raw = await readYamlMapping(file);
  if (raw === undefined) return {};
  checkFormatVersion(file, raw.format_version, REPOSITORY_FORMAT_VERSION);
  const shape = new Shape(file);
  return {
    active_profile_name: shape.optionalString(raw.active_profile_name, "active_profile_name"),
    active_stack_name: shape.optionalString(raw.active_stack_name, "active_stack_name"),
  };
}

/**
 * `.zen/config.yaml` is meant to be committed (it pins the project's profile and stack); the parse
 * cache and lock zen keeps next to it are not. Written once, never overwritten: it is the user's after.
 */
const GITIGNORE = "# zen's parse cache, locks and in-flight writes; commit config.yaml\n.*.parsed.json\n*.lock\n*.tmp\n";

function ensureGitignore(dir: string): void {
  try {
    writeFileSync(join(dir, ".gitignore"), GITIGNORE, { flag: "wx", mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/** Locked read-modify-write of `.zen/config.yaml`. */
export async function updateRepositoryConfig(root: string, change: (config: RepositoryConfig) => void): Promise<RepositoryConfig> {
  const file = repositoryConfigFile(root);
  await ensurePrivateDir(dirname(file));
  ensureGitignore(dirname(file));
  await preloadYaml();
  return withLock(file, async () => {
    const config = await readRepositoryConfig(root);
    const others = await readOtherKeys(file);
    change(config);
    await writeYamlFile(file, {
      format_version: REPOSITORY_FORMAT_VERSION,
      ...(config.active_profile_name !== undefined ? { active_profile_name: config.active_profile_name } : {}),
      ...(config.active_stack_name !== undefined ? { active_stack_name: config.active_stack_name } : {}),
      ...others,
    });
    return config;
  });
}
