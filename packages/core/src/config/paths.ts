/** Where zen keeps its global configuration. */
import { isAbsolute, join, resolve } from "node:path";
import envPaths from "env-paths";

export type Env = Record<string, string | undefined>;

/** `ZEN_CONFIG_PATH`, else the platform's config directory (`~/.config/zen` on Linux). */
export function globalConfigDir(env: Env = process.env, cwd = process.cwd()): string {
  const override = env.ZEN_CONFIG_PATH?.trim();
  if (override) return isAbsolute(override) ? override : resolve(cwd, override);
  return envPaths("zen", { suffix: "" }).config;
}

export const GLOBAL_CONFIG_FILE = "config.yaml";

export function profilesDir(configDir: string): string {
  return join(configDir, "profiles");
}

export function profileDir(configDir: string, profile: string): string {
  return join(profilesDir(configDir), profile);
}

/** Local state of components (artifact stores, metadata databases, secrets), by component id. */
export function localStoresDir(configDir: string): string {
  return join(configDir, "local_stores");
}
