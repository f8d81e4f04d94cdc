/**
 * Versioned schemas on a database server. Each store (metadata, stacks) keeps its version in the
 * shared `zen_schema_versions` table; migrations run under a server-wide advisory lock, so two zen
 * processes starting together migrate once, and a database from a newer zen is refused, never altered.
 */
import { ZenError } from "../errors.ts";
import { DIALECTS, type SqlClient, type SqlConnection, type SqlDialect } from "./sql-client.ts";

export interface SqlMigration {
  version: number;
  description: string;
  /** Statements run in order (MySQL commits DDL one statement at a time, so keep them idempotent-safe in order). */
  statements: (dialect: SqlDialect) => string[];
}

export interface SchemaOptions {
  /** `metadata` or `stacks`: the row of `zen_schema_versions`. */
  store: string;
  migrations: readonly SqlMigration[];
}

async function versionOf(connection: SqlConnection, store: string): Promise<number> {
  const rows = await connection.query("SELECT version FROM zen_schema_versions WHERE store = ?", [store]);
  return rows.length === 0 ? 0 : Number(rows[0]!.version);
}

function refuseNewer(client: SqlClient, store: string, version: number, latest: number): void {
  if (version > latest) {
    throw new ZenError(`The ${store} store at ${client.target} has schema version ${version}, newer than this zen supports (${latest}).`, {
      code: "ZEN_SCHEMA_TOO_NEW",
      hint: "It was migrated by a newer zen: upgrade zen (`npm install -g @zen/cli@latest`) to use it.",
    });
  }
}

/** What a migration did: the version the store had and the one it has now (equal when nothing was to do). */
export interface SchemaMigrationResult {
  from: number;
  to: number;
}

/**
 * Brings the store's schema to the latest version (or checks it is already there) and returns that
 * version. Cheap when nothing is to be done: one SELECT, no lock.
 */
export async function migrateSchema(client: SqlClient, options: SchemaOptions): Promise<number> {
  return (await migrateSchemaFrom(client, options)).to;
}

/**
 * `migrateSchema`, telling the version found under the lock: a process that waited while another
 * migrated reports nothing done (`from === to`). `zen profile migrate` shows this.
 */
export async function migrateSchemaFrom(client: SqlClient, options: SchemaOptions): Promise<SchemaMigrationResult> {
  const latest = options.migrations.at(-1)?.version ?? 0;
  const dialect = DIALECTS[client.dialect];
  // Concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL: the table is created under the lock too.
  const before = await schemaVersionOf(client, options.store);
  refuseNewer(client, options.store, before, latest);
  if (before === latest) return { from: latest, to: latest };
  return client.withLock(`zen_migrate_${options.store}`, async (connection) => {
    const columns = "store VARCHAR(64) NOT NULL PRIMARY KEY, version INTEGER NOT NULL, migrated_at VARCHAR(40) NOT NULL";
    await connection.execute(`CREATE TABLE IF NOT EXISTS zen_schema_versions (${columns})${dialect.tableOptions}`);
    const from = await versionOf(connection, options.store);
    refuseNewer(client, options.store, from, latest);
    let version = from;
    for (const migration of options.migrations) {
      if (migration.version <= version) continue;
      for (const statement of migration.statements(dialect)) {
        await connection.execute(/^\s*CREATE TABLE/i.test(statement) ? `${statement}${dialect.tableOptions}` : statement);
      }
      const now = new Date().toISOString();
      if (version === 0) {
        await connection.execute("INSERT INTO zen_schema_versions (store, version, migrated_at) VALUES (?, ?, ?)", [options.store, migration.version, now]);
      } else {
        await connection.execute("UPDATE zen_schema_versions SET version = ?, migrated_at = ? WHERE store = ?", [migration.version, now, options.store]);
      }
      version = migration.version;
    }
    return { from, to: version };
  });
}

/** The schema version recorded for `store` (0 when the store or the versions table was never created). */
export async function schemaVersionOf(client: SqlClient, store: string): Promise<number> {
  try {
    return await versionOf(client, store);
  } catch {
    return 0;
  }
}
