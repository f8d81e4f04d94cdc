/**
 * `zen profile migrate`: brings a profile's stack store to this zen's schema explicitly and tells what
 * it did, through the same code (and the same lock) as the migration every store runs when opened:
 * the SQLite store's write lock, the database lock of a server store. A store from a newer zen is
 * refused, never altered.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkFormatVersion } from "../config/format-version.ts";
import { ZenError } from "../errors.ts";
import { sqliteDriver } from "../fs/sqlite-driver.ts";
import { readYamlMapping } from "../fs/yaml-file.ts";
import { needsStoreDriver } from "../sql-stores/driver-url.ts";
import { asDamagedStore, missingStore } from "./damaged-store.ts";
import { storePath } from "./open-store.ts";
import type { StoreType } from "./records.ts";
import { SQL_SCHEMA_VERSION, SqlStackStore } from "./sql-stack-store.ts";
import { YAML_STORE_FILE, YAML_STORE_FORMAT_VERSION } from "./yaml-stack-store.ts";

/** The version the store had and the one it has now (equal when it was already current). */
export interface StoreMigration {
  from: number;
  to: number;
}

export async function migrateStackStore(type: StoreType, url: string, env: Record<string, string | undefined> = process.env): Promise<StoreMigration> {
  if (type === "sql" && needsStoreDriver(url)) {
    const driver = await (await import("../sql-stores/find-driver.ts")).findStoreDriver(url);
    if (!driver.migrate) {
      throw new ZenError(`The profile store driver of ${driver.package} cannot migrate a store on request.`, {
        code: "ZEN_UNSUPPORTED",
        hint: `Upgrade ${driver.package}; meanwhile any command that opens the profile (e.g. \`zen stack list\`) migrates its store.`,
      });
    }
    return driver.migrate(url, env);
  }
  const path = storePath(type, url);
  return type === "local" ? migrateYamlStore(join(path, YAML_STORE_FILE)) : migrateSqliteStore(path);
}

/** stacks.yaml has had one format so far: this checks the file is readable by this zen and says so. */
async function migrateYamlStore(file: string): Promise<StoreMigration> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readYamlMapping(file);
  } catch (error) {
    throw asDamagedStore(file, error);
  }
  if (raw === undefined) throw missingStore(file, "the file");
  const from = checkFormatVersion(file, raw.format_version, YAML_STORE_FORMAT_VERSION);
  return { from, to: YAML_STORE_FORMAT_VERSION };
}

/** The version read first (without a lock), then the store opened, which migrates under its write lock. */
async function migrateSqliteStore(file: string): Promise<StoreMigration> {
  let from: number | undefined;
  if (existsSync(file)) {
    const Database = sqliteDriver("The sql stack store");
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null } | undefined;
        if (typeof row?.version === "number") from = row.version;
      } finally {
        db.close();
      }
    } catch {
      /* not a zen database, or damaged: opening it below says which */
    }
  }
  const store = await SqlStackStore.open(file, { mustExist: true });
  store.close();
  return { from: Math.min(from ?? SQL_SCHEMA_VERSION, SQL_SCHEMA_VERSION), to: SQL_SCHEMA_VERSION };
}
