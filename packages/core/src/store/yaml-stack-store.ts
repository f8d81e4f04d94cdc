/**
 * The `local` stack store: one `stacks.yaml` per profile holding components, stacks and custom
 * flavors. Reads need no lock (writes are atomic renames); `transact` is a locked read-modify-write.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { COMPONENT_TYPE_KEYS, isComponentType, type ComponentType } from "../component-types.ts";
import { checkFormatVersion } from "../config/format-version.ts";
import { Shape } from "../config/shape.ts";
import { withLock } from "../fs/lock.ts";
import { preloadYaml, readYamlMapping, writeYamlFile } from "../fs/yaml-file.ts";
import { asDamagedStore, damagedStore, missingStore } from "./damaged-store.ts";
import type { ComponentRecord, CustomFlavorRecord, StackRecord, StackStore, StoreSnapshot } from "./records.ts";
import { checkSnapshot, emptySnapshot } from "./snapshot.ts";

export interface OpenStoreOptions {
  /**
   * The store belongs to an existing profile, so its file must be there: a missing file is an
   * error, never an empty profile. Only a profile being created starts from nothing.
   */
  mustExist?: boolean | undefined;
}

export const YAML_STORE_FORMAT_VERSION = 1;
export const YAML_STORE_FILE = "stacks.yaml";

export class YamlStackStore implements StackStore {
  readonly type = "local" as const;
  readonly url: string;
  readonly file: string;

  readonly #mustExist: boolean;

  constructor(
    readonly dir: string,
    options: OpenStoreOptions = {},
  ) {
    this.file = join(dir, YAML_STORE_FILE);
    this.url = pathToFileURL(dir).href;
    this.#mustExist = options.mustExist ?? false;
  }

  async read(): Promise<StoreSnapshot> {
    let raw: Record<string, unknown> | undefined;
    try {
      raw = await readYamlMapping(this.file);
    } catch (error) {
      throw asDamagedStore(this.file, error);
    }
    if (raw === undefined) {
      if (this.#mustExist) throw missingStore(this.file, "the file");
      return emptySnapshot();
    }
    try {
      checkFormatVersion(this.file, raw.format_version, YAML_STORE_FORMAT_VERSION);
      const snapshot = fromFile(new Shape(this.file), raw);
      // zen writes format_version first and all three sections after it: a versioned file missing
      // one was cut short. (A hand-written file without a version may leave empty sections out.)
      if (raw.format_version !== undefined) {
        for (const section of ["components", "stacks", "flavors"]) {
          if (!Object.hasOwn(raw, section)) throw damagedStore(this.file, `the '${section}' section is missing (the file looks truncated)`);
        }
      }
      try {
        checkSnapshot(snapshot);
      } catch (error) {
        throw damagedStore(this.file, (error as Error).message.replace(/\.$/, ""));
      }
      return snapshot;
    } catch (error) {
      throw asDamagedStore(this.file, error);
    }
  }

  async transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T> {
    await preloadYaml();
    return withLock(this.file, async () => {
      const current = await this.read();
      const before = JSON.stringify(current);
      const draft = structuredClone(current);
      const result = await change(draft);
      if (JSON.stringify(draft) !== before) {
        checkSnapshot(draft);
        await writeYamlFile(this.file, toFile(draft), { backup: true });
      }
      return result;
    });
  }

  close(): void {}
}

function typeKey(shape: Shape, value: string, path: string): ComponentType {
  if (!isComponentType(value)) shape.fail(path, `a component type (${COMPONENT_TYPE_KEYS.join(", ")})`, value);
  return value;
}

function fromFile(shape: Shape, raw: Record<string, unknown>): StoreSnapshot {
  const components: ComponentRecord[] = [];
  for (const [typeName, byName] of Object.entries(shape.mapping(raw.components, "components"))) {
    const type = typeKey(shape, typeName, `components.${typeName}`);
    for (const [name, value] of Object.entries(shape.mapping(byName, `components.${type}`))) {
      const path = `components.${type}.${name}`;
      const entry = shape.mapping(value, path);
      const record: ComponentRecord = {
        id: shape.string(entry.id, `${path}.id`),
        name,
        type,
        flavor: shape.string(entry.flavor, `${path}.flavor`),
        config: { ...shape.mapping(entry.config, `${path}.config`) },
      };
      const pkg = shape.optionalString(entry.package, `${path}.package`);
      if (pkg !== undefined) record.package = pkg;
      components.push(withTimes(shape, record, entry, path));
    }
  }
  const stacks: StackRecord[] = [];
  for (const [name, value] of Object.entries(shape.mapping(raw.stacks, "stacks"))) {
    const path = `stacks.${name}`;
    const entry = shape.mapping(value, path);
    const record: StackRecord = { id: shape.string(entry.id, `${path}.id`), name, components: {} };
    for (const [typeName, componentName] of Object.entries(shape.mapping(entry.components, `${path}.components`))) {
      const type = typeKey(shape, typeName, `${path}.components.${typeName}`);
      record.components[type] = shape.string(componentName, `${path}.components.${type}`);
    }
    stacks.push(withTimes(shape, record, entry, path));
  }
  const flavors: CustomFlavorRecord[] = [];
  for (const [typeName, byName] of Object.entries(shape.mapping(raw.flavors, "flavors"))) {
    const type = typeKey(shape, typeName, `flavors.${typeName}`);
    for (const [name, value] of Object.entries(shape.mapping(byName, `flavors.${type}`))) {
      const path = `flavors.${type}.${name}`;
      const entry = shape.mapping(value, path);
      flavors.push({
        type,
        name,
        specifier: shape.string(entry.specifier, `${path}.specifier`),
        root: shape.string(entry.root, `${path}.root`),
      });
    }
  }
  return { components, stacks, flavors };
}

function withTimes<T extends { createdAt?: string; updatedAt?: string }>(shape: Shape, record: T, entry: Record<string, unknown>, path: string): T {
  // YAML turns unquoted ISO timestamps into strings already (yaml 1.2 core schema); keep them as text.
  const created = shape.optionalString(entry.created_at, `${path}.created_at`);
  const updated = shape.optionalString(entry.updated_at, `${path}.updated_at`);
  if (created !== undefined) record.createdAt = created;
  if (updated !== undefined) record.updatedAt = updated;
  return record;
}

function times(record: { createdAt?: string | undefined; updatedAt?: string | undefined }): Record<string, string> {
  const out: Record<string, string> = {};
  if (record.createdAt !== undefined) out.created_at = record.createdAt;
  if (record.updatedAt !== undefined) out.updated_at = record.updatedAt;
  return out;
}

function toFile(snapshot: StoreSnapshot): Record<string, unknown> {
  // Null-prototype maps: a name such as `__proto__` is an ordinary key here.
  const components: Record<string, Record<string, unknown>> = {};
  for (const type of COMPONENT_TYPE_KEYS) {
    for (const c of snapshot.components.filter((c) => c.type === type)) {
      (components[type] ??= Object.create(null) as Record<string, unknown>)[c.name] = {
        id: c.id,
        flavor: c.flavor,
        ...(c.package ? { package: c.package } : {}),
        config: c.config,
        ...times(c),
      };
    }
  }
  const stacks: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const s of snapshot.stacks) {
    const ordered: Record<string, string> = {};
    for (const type of COMPONENT_TYPE_KEYS) {
      const name = s.components[type];
      if (name !== undefined) ordered[type] = name;
    }
    stacks[s.name] = { id: s.id, components: ordered, ...times(s) };
  }
  const flavors: Record<string, Record<string, unknown>> = {};
  for (const f of snapshot.flavors) (flavors[f.type] ??= Object.create(null) as Record<string, unknown>)[f.name] = { specifier: f.specifier, root: f.root };
  return { format_version: YAML_STORE_FORMAT_VERSION, components, stacks, flavors };
}
