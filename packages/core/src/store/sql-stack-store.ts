/**
 * The `sql` stack store: SQLite through better-sqlite3, in WAL mode with a busy timeout so
 * concurrent zen processes queue instead of failing with "database is locked". Writers take the
 * write lock up front (BEGIN IMMEDIATE), so a read-modify-write never races another writer.
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import { sqliteDriver } from "../fs/sqlite-driver.ts";
import { isComponentType, type ComponentType } from "../component-types.ts";
import { ZenError } from "../errors.ts";
import { ensurePrivateDir } from "../fs/atomic-write.ts";
import { backUpDatabase, useWriteAheadLog } from "../fs/sqlite-database.ts";
import { clearDeadLock, withLock } from "../fs/lock.ts";
import type { ComponentRecord, CustomFlavorRecord, StackRecord, StackStore, StoreSnapshot } from "./records.ts";
import { damagedStore, damagedStoreHint, missingStore } from "./damaged-store.ts";
import { SerialQueue } from "./serial-queue.ts";
import type { OpenStoreOptions } from "./yaml-stack-store.ts";
import { checkSnapshot } from "./snapshot.ts";

export const SQL_SCHEMA_VERSION = 2;
const BUSY_TIMEOUT_MS = 30_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS components (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  flavor TEXT NOT NULL,
  config TEXT NOT NULL,
  package TEXT,
  created_at TEXT,
  updated_at TEXT,
  UNIQUE (type, name)
);
CREATE TABLE IF NOT EXISTS stacks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT,
  updated_at TEXT
);
CREATE TABLE IF NOT EXISTS stack_components (
  stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  component_name TEXT NOT NULL,
  PRIMARY KEY (stack_id, type)
);
CREATE TABLE IF NOT EXISTS custom_flavors (
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  specifier TEXT NOT NULL,
  root TEXT NOT NULL,
  PRIMARY KEY (type, name)
);
`;

/** What changed the schema since version 1, by the version it leads to; `open` applies what is missing. */
const MIGRATIONS: Record<number, string> = {
  2: "ALTER TABLE components ADD COLUMN package TEXT;", // the npm package a component's flavor came from
};

interface ComponentRow {
  id: string;
  type: string;
  name: string;
  flavor: string;
  config: string;
  package: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export class SqlStackStore implements StackStore {
  readonly type = "sql" as const;
  readonly url: string;
  private readonly queue = new SerialQueue();

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {
    this.url = `sqlite://${file}`;
  }

  /**
   * Opens the database at `file`, creating it unless `mustExist` (an existing profile's store, which
   * must be there and hold zen's schema: an empty or foreign file is never initialised over).
   */
  static async open(file: string, options: OpenStoreOptions = {}): Promise<SqlStackStore> {
    const fresh = !existsSync(file);
    if (fresh && options.mustExist) throw missingStore(file, "the database");
    await ensurePrivateDir(dirname(file));
    if (fresh) createPrivateFile(file);
    const db = openDatabase(file);
    try {
      // Creating the schema and switching to WAL need exclusive access: do it once, under a lock.
      if (fresh || !hasSchema(db, file)) {
        if (options.mustExist) throw damagedStore(file, "it holds no zen tables (an empty or foreign database)");
        await withLock(file, () => initialize(db, file));
      } else if (existsSync(`${file}.lock`)) {
        // An initialiser killed after its work but before letting go: nothing will take this lock again.
        await clearDeadLock(file);
      }
      if (schemaVersion(db, file) < SQL_SCHEMA_VERSION) migrate(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqlStackStore(file, db);
  }

  read(): Promise<StoreSnapshot> {
    return this.queue.run(() => guard(this.file, () => this.db.transaction(() => this.readSnapshot())()));
  }

  transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      guard(this.file, () => this.db.exec("BEGIN IMMEDIATE"));
      try {
        const current = guard(this.file, () => this.readSnapshot());
        const before = JSON.stringify(current);
        const result = await change(current);
        if (JSON.stringify(current) !== before) {
          checkSnapshot(current);
          this.writeSnapshot(current);
        }
        guard(this.file, () => this.db.exec("COMMIT"));
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private readSnapshot(): StoreSnapshot {
    const components = (this.db.prepare("SELECT * FROM components ORDER BY rowid").all() as ComponentRow[]).map((row) => {
      const record: ComponentRecord = {
        id: row.id,
        name: row.name,
        type: componentTypeOf(row.type, this.file),
        flavor: row.flavor,
        config: parseConfig(row.config, this.file, row.name),
      };
      if (row.package !== null) record.package = row.package;
      if (row.created_at !== null) record.createdAt = row.created_at;
      if (row.updated_at !== null) record.updatedAt = row.updated_at;
      return record;
    });
    const members = this.db.prepare("SELECT stack_id, type, component_name FROM stack_components ORDER BY rowid").all() as {
      stack_id: string;
      type: string;
      component_name: string;
    }[];
    const stackRows = this.db.prepare("SELECT * FROM stacks ORDER BY rowid").all() as {
      id: string;
      name: string;
      created_at: string | null;
      updated_at: string | null;
    }[];
    const stacks = stackRows.map((row) => {
      const record: StackRecord = { id: row.id, name: row.name, components: {} };
      for (const m of members) if (m.stack_id === row.id) record.components[componentTypeOf(m.type, this.file)] = m.component_name;
      if (row.created_at !== null) record.createdAt = row.created_at;
      if (row.updated_at !== null) record.updatedAt = row.updated_at;
      return record;
    });
    const flavors = (this.db.prepare("SELECT * FROM custom_flavors ORDER BY rowid").all() as CustomFlavorRecord[]).map((row) => ({
      type: componentTypeOf(row.type, this.file),
      name: row.name,
      specifier: row.specifier,
      root: row.root,
    }));
    return { components, stacks, flavors };
  }

  /** Replaces the contents inside the caller's transaction; the tables are small, a rewrite keeps it simple. */
  private writeSnapshot(snapshot: StoreSnapshot): void {
    const db = this.db;
    db.exec("DELETE FROM stack_components; DELETE FROM stacks; DELETE FROM components; DELETE FROM custom_flavors;");
    const insertComponent = db.prepare(
      "INSERT INTO components (id, type, name, flavor, config, package, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const c of snapshot.components) {
      insertComponent.run(c.id, c.type, c.name, c.flavor, JSON.stringify(c.config), c.package ?? null, c.createdAt ?? null, c.updatedAt ?? null);
    }
    const insertStack = db.prepare("INSERT INTO stacks (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)");
    const insertMember = db.prepare("INSERT INTO stack_components (stack_id, type, component_name) VALUES (?, ?, ?)");
    for (const s of snapshot.stacks) {
      insertStack.run(s.id, s.name, s.createdAt ?? null, s.updatedAt ?? null);
      for (const [type, name] of Object.entries(s.components)) if (name !== undefined) insertMember.run(s.id, type, name);
    }
    const insertFlavor = db.prepare("INSERT INTO custom_flavors (type, name, specifier, root) VALUES (?, ?, ?, ?)");
    for (const f of snapshot.flavors) insertFlavor.run(f.type, f.name, f.specifier, f.root);
  }
}

/** Created before SQLite opens it, so the database (and its WAL files, which copy its mode) is private from the start. */
function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, "a", 0o600));
  } catch {
    /* SQLite reports the problem with a better message */
  }
}

function openDatabase(file: string): Database.Database {
  const SqliteDatabase = sqliteDriver("The sql stack store");
  try {
    const db = new SqliteDatabase(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("foreign_keys = ON");
    try {
      chmodSync(file, 0o600);
    } catch {
      /* not ours to change (e.g. a shared file); reading still works */
    }
    return db;
  } catch (error) {
    throw notADatabase(file, error);
  }
}

function hasSchema(db: Database.Database, file: string): boolean {
  return guard(file, () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined);
}

function initialize(db: Database.Database, file: string): void {
  guard(file, () => {
    useWriteAheadLog(db, BUSY_TIMEOUT_MS);
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(SCHEMA);
      if (db.prepare("SELECT version FROM schema_version").get() === undefined) {
        db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SQL_SCHEMA_VERSION);
      }
      db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  });
}

/** The schema version, refusing a database written by a newer zen. */
function schemaVersion(db: Database.Database, file: string): number {
  const row = guard(file, () => db.prepare("SELECT MAX(version) AS version FROM schema_version").get()) as { version: number | null } | undefined;
  const version = row?.version ?? SQL_SCHEMA_VERSION;
  if (version > SQL_SCHEMA_VERSION) {
    throw new ZenError(
      `The database '${file}' has schema version ${version}, which is newer than this version of zen understands (up to ${SQL_SCHEMA_VERSION}).`,
      {
        code: "ZEN_FORMAT_TOO_NEW",
        hint: "It was written by a newer zen: upgrade zen (`npm install -g @zen/cli@latest`), or use another profile.",
      },
    );
  }
  return version;
}

/**
 * Brings an older database up to SQL_SCHEMA_VERSION in one write transaction (a concurrent zen waits,
 * then finds it done), after keeping a copy of it as it was.
 */
function migrate(db: Database.Database, file: string): void {
  guard(file, () => {
    backUpDatabase(db, file, schemaVersion(db, file));
    db.exec("BEGIN IMMEDIATE");
    try {
      let version = schemaVersion(db, file);
      while (version < SQL_SCHEMA_VERSION) db.exec(MIGRATIONS[++version]!);
      db.exec("DELETE FROM schema_version");
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
      db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  });
}

function guard<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw notADatabase(file, error);
  }
}

function notADatabase(file: string, error: unknown): unknown {
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new ZenError(`The profile's stack store '${file}' is not a valid zen SQLite database (${(error as Error).message}).`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: damagedStoreHint(file),
      cause: error,
    });
  }
  if (/no such (table|column)/.test((error as Error).message ?? "")) {
    return damagedStore(file, (error as Error).message);
  }
  return error;
}

function componentTypeOf(value: string, file: string): ComponentType {
  if (!isComponentType(value)) {
    throw new ZenError(`The database '${file}' holds an unknown component type '${value}'.`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: "It was probably written by a newer zen: upgrade zen, or remove that row.",
    });
  }
  return value;
}

function parseConfig(text: string, file: string, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new ZenError(`The database '${file}' holds a malformed configuration for component '${name}'.`, {
    code: "ZEN_CONFIG_MALFORMED",
    hint: "Fix or remove that row; zen left the database untouched.",
  });
}
