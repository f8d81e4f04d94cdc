/**
 * `<configDir>/config.yaml`: the user id, the global active profile and the profiles with their
 * stores. Read without a lock (writes are atomic renames); every change is a locked read-modify-write.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { ZenError } from "../errors.ts";
import { withLock } from "../fs/lock.ts";
import { readYamlMapping, writeYamlFile } from "../fs/yaml-file.ts";
import type { StoreType } from "../store/records.ts";
import { checkFormatVersion } from "./format-version.ts";
import { GLOBAL_CONFIG_FILE } from "./paths.ts";

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

const profileEntrySchema = z
  .object({
    store_type: z.enum(["local", "sql"]),
    store_url: z.string().min(1),
    active_stack: z.string().nullish(),
  })
  .loose();

const globalConfigSchema = z
  .object({
    format_version: z.unknown().optional(),
    user_id: z.string().min(1).optional(),
    active_profile: z.string().nullish(),
    profiles: z.record(z.string(), profileEntrySchema).nullish(),
  })
  .loose();

/** Turns a zod failure into one sentence naming the file and the field. */
export function schemaProblem(file: string, error: z.ZodError): ZenError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "top level";
  return new ZenError(`Malformed '${file}': ${where}: ${issue?.message ?? "invalid value"}.`, {
    code: "ZEN_CONFIG_MALFORMED",
    hint: `Fix the file by hand; zen left it untouched. To start afresh instead, move it aside (e.g. \`mv '${file}' '${file}.bak'\`).`,
  });
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
    const parsed = globalConfigSchema.safeParse(raw);
    if (!parsed.success) throw schemaProblem(this.file, parsed.error);
    const data = parsed.data;
    const profiles: Record<string, ProfileEntry> = {};
    for (const [name, entry] of Object.entries(data.profiles ?? {})) {
      profiles[name] = { ...entry, active_stack: entry.active_stack ?? undefined };
    }
    return {
      ...data,
      format_version: GLOBAL_CONFIG_FORMAT_VERSION,
      user_id: data.user_id ?? randomUUID(),
      active_profile: data.active_profile ?? undefined,
      profiles,
    };
  }

  /**
   * Read-modify-write under the lock. `change` edits a fresh copy (creating a new config on a fresh
   * machine); nothing is written if it throws or leaves the config unchanged.
   */
  async update<T>(change: (config: GlobalConfig) => T | Promise<T>): Promise<T> {
    return withLock(this.file, async () => {
      const current = await this.read();
      const before = current === undefined ? undefined : JSON.stringify(current);
      const draft: GlobalConfig = current
        ? structuredClone(current)
        : { format_version: GLOBAL_CONFIG_FORMAT_VERSION, user_id: randomUUID(), profiles: {} };
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
    Object.entries(profiles).map(([name, { active_stack, ...entry }]) => [
      name,
      active_stack === undefined ? entry : { ...entry, active_stack },
    ]),
  );
  return { ...out, ...rest };
}
