/**
 * The difference between two snapshots of a profile's store, record by record and key by key: what
 * a dry run prints. Records are matched by id (so a rename is a change of `name`); timestamps and
 * ids are bookkeeping, not changes.
 */
import type { ComponentRecord, CustomFlavorRecord, StackRecord, StoreSnapshot } from "../store/records.ts";
import type { PlannedChange } from "../zen-api.ts";

const BOOKKEEPING = new Set(["id", "createdAt", "updatedAt"]);

/** `{ name, flavor, config: { path } }` → `name`, `flavor`, `config.path`: one level of nesting, as records have. */
function flatten(record: object): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(record)) {
    if (BOOKKEEPING.has(key)) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) out.set(`${key}.${inner}`, innerValue);
    } else {
      out.set(key, value);
    }
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function keyChanges(before: object | undefined, after: object | undefined): PlannedChange["keys"] {
  const from = before ? flatten(before) : new Map<string, unknown>();
  const to = after ? flatten(after) : new Map<string, unknown>();
  const keys: NonNullable<PlannedChange["keys"]> = {};
  for (const key of new Set([...from.keys(), ...to.keys()])) {
    const a = from.get(key);
    const b = to.get(key);
    if (same(a, b)) continue;
    keys[key] = { ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) };
  }
  return keys;
}

function diffList<R extends object>(
  kind: PlannedChange["kind"],
  before: readonly R[],
  after: readonly R[],
  identity: (record: R) => string,
  describe: (record: R) => Pick<PlannedChange, "name" | "type">,
  profile: string,
): PlannedChange[] {
  const changes: PlannedChange[] = [];
  const old = new Map(before.map((r) => [identity(r), r]));
  const fresh = new Map(after.map((r) => [identity(r), r]));
  for (const [id, record] of old) {
    const next = fresh.get(id);
    if (!next) {
      changes.push({ action: "remove", kind, ...describe(record), profile, keys: keyChanges(record, undefined) });
      continue;
    }
    const keys = keyChanges(record, next);
    if (keys && Object.keys(keys).length > 0) changes.push({ action: "change", kind, ...describe(next), profile, keys });
  }
  for (const [id, record] of fresh) {
    if (!old.has(id)) changes.push({ action: "add", kind, ...describe(record), profile, keys: keyChanges(undefined, record) });
  }
  return changes;
}

export function diffSnapshots(before: StoreSnapshot, after: StoreSnapshot, profile: string): PlannedChange[] {
  return [
    ...diffList<CustomFlavorRecord>(
      "flavor",
      before.flavors,
      after.flavors,
      (f) => `${f.type}\0${f.name}`,
      (f) => ({ type: f.type, name: f.name }),
      profile,
    ),
    ...diffList<ComponentRecord>(
      "component",
      before.components,
      after.components,
      (c) => c.id,
      (c) => ({ type: c.type, name: c.name }),
      profile,
    ),
    ...diffList<StackRecord>(
      "stack",
      before.stacks,
      after.stacks,
      (s) => s.id,
      (s) => ({ name: s.name }),
      profile,
    ),
  ];
}
