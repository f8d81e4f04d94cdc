/** `zen clean`: removes the global config directory and the current repository's `.zen`. */
import { rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GLOBAL_CONFIG_FILE, globalConfigDir, type Env } from "./paths.ts";
import { findRepositoryRoot, REPOSITORY_DIR } from "./repository.ts";

export interface CleanOptions {
  cwd?: string;
  env?: Env;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * Deletes everything zen keeps: the repository's `.zen` (if any) and the global config directory —
 * the latter only when it holds a zen `config.yaml`, so a mistaken ZEN_CONFIG_PATH never wipes an
 * unrelated directory. Returns the paths removed; the next command starts afresh.
 */
export async function cleanAll(options: CleanOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const removed: string[] = [];
  const root = await findRepositoryRoot(cwd, env).catch(() => undefined);
  if (root) {
    const dir = join(root, REPOSITORY_DIR);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  const configDir = globalConfigDir(env, cwd);
  if (await exists(join(configDir, GLOBAL_CONFIG_FILE))) {
    await rm(configDir, { recursive: true, force: true });
    removed.push(configDir);
  }
  return removed;
}
