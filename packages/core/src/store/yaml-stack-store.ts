/**
 * The `local` stack store: one `stacks.yaml` per profile holding components, stacks and custom
 * flavors. Reads need no lock (writes are atomic renames); `transact` is a locked read-modify-write.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { COMPONENT_TYPE_KEYS, type ComponentType } from "../component-types.ts";
import { checkFormatVersion } from "../config/format-version.ts";
import { schemaProblem } from "../config/global-config.ts";
import { withLock } from "../fs/lock.ts";
import { readYamlMapping, writeYamlFile } from "../fs/yaml-file.ts";
import type { ComponentRecord, CustomFlavorRecord, StackRecord, StackStore, StoreSnapshot } from "./records.ts";
import { checkSnapshot, emptySnapshot } from "./snapshot.ts";

export const YAML_STORE_FORMAT_VERSION = 1;
export const YAML_STORE_FILE = "stacks.yaml";

const typeKey = z.enum(COMPONENT_TYPE_KEYS);
const timestamps = { created_at: z.string().optional(), updated_at: z.string().optional() };

const fileSchema = z
  .object({
    format_version: z.unknown().optional(),
    components: z
      .partialRecord(
        typeKey,
        z
          .record(
            z.string(),
            z.object({ id: z.string().min(1), flavor: z.string().min(1), config: z.record(z.string(), z.unknown()).nullish(), ...timestamps }),
          )
          .nullish(),
      )
      .nullish(),
    stacks: z
      .record(
        z.string(),
        z.object({ id: z.string().min(1), components: z.partialRecord(typeKey, z.string()).nullish(), ...timestamps }),
      )
      .nullish(),
    flavors: z
      .partialRecord(typeKey, z.record(z.string(), z.object({ specifier: z.string().min(1), root: z.string().min(1) })).nullish())
      .nullish(),
  })
  .loose();

type StoreFile = z.infer<typeof fileSchema>;

export class YamlStackStore implements StackStore {
  readonly type = "local" as const;
  readonly url: string;
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, YAML_STORE_FILE);
    this.url = pathToFileURL(dir).href;
  }

  async read(): Promise<StoreSnapshot> {
    const raw = await readYamlMapping(this.file);
    if (raw === undefined) return emptySnapshot();
    checkFormatVersion(this.file, raw.format_version, YAML_STORE_FORMAT_VERSION);
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw schemaProblem(this.file, parsed.error);
    return fromFile(parsed.data);
  }

  async transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T> {
    return withLock(this.file, async () => {
      const current = await this.read();
      const before = JSON.stringify(current);
      const draft = structuredClone(current);
      const result = await change(draft);
      if (JSON.stringify(draft) !== before) {
        checkSnapshot(draft);
        await writeYamlFile(this.file, toFile(draft));
      }
      return result;
    });
  }

  close(): void {}
}

function fromFile(data: StoreFile): StoreSnapshot {
  const components: ComponentRecord[] = [];
  for (const [type, byName] of Object.entries(data.components ?? {})) {
    for (const [name, entry] of Object.entries(byName ?? {})) {
      const record: ComponentRecord = { id: entry.id, name, type: type as ComponentType, flavor: entry.flavor, config: entry.config ?? {} };
      components.push(withTimes(record, entry));
    }
  }
  const stacks = Object.entries(data.stacks ?? {}).map(([name, entry]) => {
    const record: StackRecord = { id: entry.id, name, components: { ...(entry.components ?? {}) } };
    return withTimes(record, entry);
  });
  const flavors: CustomFlavorRecord[] = [];
  for (const [type, byName] of Object.entries(data.flavors ?? {})) {
    for (const [name, entry] of Object.entries(byName ?? {})) {
      flavors.push({ type: type as ComponentType, name, specifier: entry.specifier, root: entry.root });
    }
  }
  return { components, stacks, flavors };
}

function withTimes<T extends { createdAt?: string; updatedAt?: string }>(
  record: T,
  entry: { created_at?: string | undefined; updated_at?: string | undefined },
): T {
  if (entry.created_at !== undefined) record.createdAt = entry.created_at;
  if (entry.updated_at !== undefined) record.updatedAt = entry.updated_at;
  return record;
}

function times(record: { createdAt?: string | undefined; updatedAt?: string | undefined }): Record<string, string> {
  const out: Record<string, string> = {};
  if (record.createdAt !== undefined) out.created_at = record.createdAt;
  if (record.updatedAt !== undefined) out.updated_at = record.updatedAt;
  return out;
}

function toFile(snapshot: StoreSnapshot): Record<string, unknown> {
  const components: Record<string, Record<string, unknown>> = {};
  for (const type of COMPONENT_TYPE_KEYS) {
    for (const c of snapshot.components.filter((c) => c.type === type)) {
      (components[type] ??= {})[c.name] = { id: c.id, flavor: c.flavor, config: c.config, ...times(c) };
    }
  }
  const stacks: Record<string, unknown> = {};
  for (const s of snapshot.stacks) {
    const ordered: Record<string, string> = {};
    for (const type of COMPONENT_TYPE_KEYS) {
      const name = s.components[type];
      if (name !== undefined) ordered[type] = name;
    }
    stacks[s.name] = { id: s.id, components: ordered, ...times(s) };
  }
  const flavors: Record<string, Record<string, unknown>> = {};
  for (const f of snapshot.flavors) (flavors[f.type] ??= {})[f.name] = { specifier: f.specifier, root: f.root };
  return { format_version: YAML_STORE_FORMAT_VERSION, components, stacks, flavors };
}
