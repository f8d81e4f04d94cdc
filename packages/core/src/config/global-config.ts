/**
 * `<configDir>/config.yaml`: the user id, the global active profile and the profiles with their
 * stores. Read without a lock (writes are atomic renames); every change is a locked read-modify-write.
 */
import { join } from "node:path";
import { withLock } from "../fs/lock.ts";
import { preloadYaml, readYamlMapping, writeYamlFile } from "../fs/yaml-file.ts";
import type { StoreType } from "../store/records.ts";
import { checkFormatVersion } from "./format-version.ts";
import { GLOBAL_CONFIG_FILE } from "./paths.ts";
import { Shape } from "./shape.ts";

export const GLOBAL_CONFIG_FORMAT_VERSION = 1;

export interface ProfileEntry {
  store_type: StoreType;
  store_url: string;
  active_stack?: string | undefined;
}

export interface GlobalConfig {
  format_version: number;
  user_id: string;
  active_profile?: string | undefined;
  profiles: Record<string, ProfileEntry>;
  /** Keys written by other zen versions survive a rewrite. */
  [other: string]: unknown;
}

const STORE_TYPES = ["local", "sql"] as const;

function parseGlobalConfig(file: string, raw: Record<string, unknown>): GlobalConfig {
  const shape = new Shape(file);
  const profiles = profileMap();
  for (const [name, value] of Object.entries(shape.mapping(raw.profiles, "profiles"))) {
    const entry = shape.mapping(value, `profiles.${name}`);
    profiles[name] = {
      ...entry,
      store_type: shape.oneOf(entry.store_type, `profiles.${name}.store_type`, STORE_TYPES),
      store_url: shape.string(entry.store_url, `profiles.${name}.store_url`),
      active_stack: shape.optionalString(entry.active_stack, `profiles.${name}.active_stack`),
    };
  }
  return {
    ...raw,
    format_version: GLOBAL_CONFIG_FORMAT_VERSION,
    user_id: shape.optionalString(raw.user_id, "user_id") ?? crypto.randomUUID(),
    active_profile: shape.optionalString(raw.active_profile, "active_profile"),
    profiles,
  };
}

/** Profiles by name, without a prototype: `constructor` or `__proto__` is just a name that is not there. */
function profileMap(entries: Iterable<[string, ProfileEntry]> = []): Record<string, ProfileEntry> {
  const map = Object.create(null) as Record<string, ProfileEntry>;
  for (const [name, entry] of entries) map[name] = entry;
  return map;
}

export class GlobalConfigFile {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, GLOBAL_CONFIG_FILE);
  }

  /** `undefined` when there is no config yet (a fresh machine). */
  async read(): Promise<GlobalConfig | undefined> {
    const raw = await readYamlMapping(this.file);
    if (raw === undefined) return undefined;
    checkFormatVersion(this.file, raw.format_version, GLOBAL_CONFIG_FORMAT_VERSION);
    return parseGlobalConfig(this.file, raw);
  }

  /**
   * Read-modify-write under the lock. `change` edits a fresh copy (creating a new config on a fresh
   * machine); nothing is written if it throws or leaves the config unchanged.
   */
  async update<T>(change: (config: GlobalConfig) => T | Promise<T>): Promise<T> {
    await preloadYaml(); // not while holding the lock: every waiting process would wait for it too
    return withLock(this.file, async () => {
      const current = await this.read();
      const before = current === undefined ? undefined : JSON.stringify(current);
      const draft: GlobalConfig = current
        ? structuredClone(current)
        : { format_version: GLOBAL_CONFIG_FORMAT_VERSION, user_id: crypto.randomUUID(), profiles: profileMap() };
      // structuredClone gives plain objects back.
      draft.profiles = profileMap(Object.entries(draft.profiles));
      const result = await change(draft);
      if (JSON.stringify(draft) !== before) await writeYamlFile(this.file, toFile(draft));
      return result;
    });
  }
}

function toFile(config: GlobalConfig): Record<string, unknown> {
  const { format_version: _version, user_id, active_profile, profiles, ...rest } = config;
  const out: Record<string, unknown> = { format_version: GLOBAL_CONFIG_FORMAT_VERSION, user_id };
  if (active_profile !== undefined) out.active_profile = active_profile;
  out.profiles = Object.fromEntries(
    Object.entries(profiles).map(([name, { active_stack, ...entry }]) => [name, active_stack === undefined ? entry : { ...entry, active_stack }]),
  );
  return { ...out, ...rest };
}
