/**
 * The `sqlite` metadata store's database file: where a store's URI points, and opening it — created
 * complete (schema migrated, mode 0600) before it appears, WAL with a busy timeout so concurrent runs
 * and processes do not see "database is locked", migrated by numbered migrations under an immediate
 * transaction (one process migrates, the others wait and see the new version).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import { ValidationError, ZenError } from "../errors.ts";
import { backUpDatabase, createDatabaseFile, useWriteAheadLog } from "../fs/sqlite-database.ts";
import { sqliteDriver } from "../fs/sqlite-driver.ts";
import { crashReason, damagedMetadata, emptyMetadata } from "./sqlite-metadata-rows.ts";
import type { Migration } from "./sqlite-schema.ts";

const BUSY_TIMEOUT_MS = 15_000;

/** `uri` may be a path, `sqlite:///path` or `file:///path`; anything else is not local. */
export function databasePathOf(uri: string): string {
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (uri.startsWith("sqlite:///")) return uri.slice("sqlite://".length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new ValidationError(`The uri '${uri}' of the SQLite metadata store is not a local path.`, {
      hint: "Use a path on this machine, e.g. --uri=/home/me/.config/zen/local_stores/metadata.db; remote stores need the mysql flavor.",
    });
  }
  return path.resolve(uri);
}

export function openMetadataDatabase(file: string, migrations: readonly Migration[]): BetterSqlite3.Database {
  const Database = sqliteDriver("The sqlite metadata store");
  const existing = fs.statSync(file, { throwIfNoEntry: false });
  if (existing === undefined) {
    // Complete (schema migrated, 0600) before it appears: nobody ever meets it half-made.
    createDatabaseFile(file, Database, (db) => migrate(db, file, migrations));
  } else {
    // zen never leaves an empty file here (createDatabaseFile): 0 bytes is a database somebody truncated,
    // and SQLite would silently write a fresh schema into it.
    if (existing.isFile() && existing.size === 0) throw emptyMetadata(file);
    // Kept private; its WAL files copy the mode.
    try {
      fs.chmodSync(file, 0o600);
    } catch {
      /* not ours to change (a shared file): SQLite reports real problems below */
    }
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw damagedMetadata(file, error);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    useWriteAheadLog(db, BUSY_TIMEOUT_MS);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // Whether a run recorded as running has crashed (its process is gone): for filtering runs by status as read.
    db.function("zen_run_crashed", { deterministic: false }, (status: unknown, owner: unknown) =>
      crashReason({ status, owner_json: owner }) === undefined ? 0 : 1,
    );
    migrate(db, file, migrations);
  } catch (error) {
    db.close();
    throw damagedMetadata(file, error);
  }
  return db;
}

function migrate(db: BetterSqlite3.Database, file: string, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const versionOf = () => db.pragma("user_version", { simple: true }) as number;
  const check = (version: number) => {
    if (version > latest) {
      throw new ZenError(`The metadata store '${file}' has schema version ${version}, newer than this zen supports (${latest}).`, {
        code: "ZEN_SCHEMA_TOO_NEW",
        hint: "Upgrade zen, or point the metadata store at another file.",
      });
    }
  };
  const before = versionOf();
  check(before);
  if (before === latest) return;
  if (before > 0) backUpDatabase(db, file, before);
  // IMMEDIATE: one process migrates, others wait (busy timeout) and then see the new version.
  db.transaction(() => {
    const current = versionOf();
    check(current);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
