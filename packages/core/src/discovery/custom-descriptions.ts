/**
 * What a custom flavor's own definition says (description, config keys, secret fields), remembered
 * from the last time it was imported (at registration, or when a component used it), so that listing
 * and describing custom flavors import nothing. Kept per module file stamp: an edited module shows its
 * generic description until it is imported again. A damaged file is only a lost optimisation.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Flavor } from "../flavor.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import type { FlavorInfo } from "./flavor-info.ts";
import { fileStamp } from "./package-json.ts";

const FILE_NAME = "custom-flavors-v1.json";

export type CustomDescription = Pick<FlavorInfo, "description" | "configSchema" | "secretFields">;

interface Remembered {
  stamp: string;
  described: CustomDescription;
}

function keyOf(record: CustomFlavorRecord): string {
  return JSON.stringify([record.type, record.name, record.specifier, record.root]);
}

function isRemembered(value: unknown): value is Remembered {
  if (typeof value !== "object" || value === null) return false;
  const { stamp, described } = value as Partial<Remembered>;
  return (
    typeof stamp === "string" &&
    typeof described === "object" &&
    described !== null &&
    typeof described.description === "string" &&
    typeof described.configSchema === "object" &&
    described.configSchema !== null &&
    Array.isArray(described.secretFields)
  );
}

function readAll(cacheDir: string): Map<string, Remembered> {
  const entries = new Map<string, Remembered>();
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(cacheDir, FILE_NAME), "utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) if (isRemembered(value)) entries.set(key, value);
    }
  } catch {
    // missing or damaged: nothing remembered
  }
  return entries;
}

/** The remembered description of each record whose module file is unchanged since. */
export function rememberedDescriptions(
  cacheDir: string,
  records: readonly CustomFlavorRecord[],
  moduleFile: (record: CustomFlavorRecord) => string | undefined,
): Map<CustomFlavorRecord, CustomDescription> {
  const found = new Map<CustomFlavorRecord, CustomDescription>();
  if (records.length === 0) return found;
  const entries = readAll(cacheDir);
  for (const record of records) {
    const entry = entries.get(keyOf(record));
    const file = entry && moduleFile(record);
    if (entry && file && fileStamp(file) === entry.stamp) found.set(record, entry.described);
  }
  return found;
}

/** Remembers what the imported flavor says about itself (best effort: a read-only cache dir is fine). */
export async function rememberDescription(cacheDir: string, record: CustomFlavorRecord, file: string, flavor: Flavor): Promise<CustomDescription> {
  const { describeFlavor } = await import("./describe-flavor.ts");
  const { description, configSchema, secretFields } = describeFlavor(flavor, { kind: "custom", specifier: record.specifier, root: record.root });
  const described = { description, configSchema, secretFields };
  const entries = readAll(cacheDir);
  const key = keyOf(record);
  const stamp = fileStamp(file);
  const before = entries.get(key);
  if (before?.stamp === stamp && JSON.stringify(before.described) === JSON.stringify(described)) return described;
  entries.set(key, { stamp, described });
  try {
    const { writeFileAtomic } = await import("../fs/atomic-write.ts");
    await writeFileAtomic(join(cacheDir, FILE_NAME), `${JSON.stringify(Object.fromEntries(entries), null, 1)}\n`, 0o644);
  } catch {
    // not writable: listing shows the generic description
  }
  return described;
}
