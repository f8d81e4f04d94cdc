/**
 * A profile's stack store on a database server, shared by a team. `read` is ONE statement that returns
 * the schema version and every table as JSON: a single statement sees one committed state on both
 * servers, so it needs no transaction and no lock, and `zen stack list` costs one round trip after
 * connecting. Every `transact` locks the store's lock row first (SELECT … FOR UPDATE), reads a fresh
 * snapshot, applies the change and rewrites the tables in the same transaction, so writers on
 * different machines queue and none loses another's change.
 */
import { isComponentType, type ComponentType } from "../component-types.ts";
import { ZenError } from "../errors.ts";
import type { ComponentRecord, StackRecord, StackStore, StoreSnapshot } from "../store/records.ts";
import { checkSnapshot } from "../store/snapshot.ts";
import { migrateSchema } from "./schema-migrations.ts";
import { DIALECTS, type Row, type SqlClient, type SqlConnection } from "./sql-client.ts";
import { STACK_MIGRATIONS, STACKS_STORE } from "./stack-schema.ts";

const LATEST = STACK_MIGRATIONS.at(-1)!.version;

/** Each table's columns (JSON key = column), in the order of its rows' `position`. */
const TABLES = {
  components: { table: "zen_components", columns: ["position", "id", "type", "name", "flavor", "config", "package", "created_at", "updated_at"] },
  stacks: { table: "zen_stacks", columns: ["position", "id", "name", "created_at", "updated_at"] },
  members: { table: "zen_stack_components", columns: ["position", "stack_id", "type", "component_name"] },
  flavors: { table: "zen_custom_flavors", columns: ["position", "type", "name", "specifier", "root"] },
} as const;
type TableKey = keyof typeof TABLES;
type Tables = Record<TableKey, Row[]>;

export class ServerStackStore implements StackStore {
  readonly type = "sql" as const;
  /** Resolved once the schema is known to be this zen's (checked by a read, or migrated). */
  private schemaReady: Promise<void> | undefined;

  private constructor(
    readonly url: string,
    private readonly client: SqlClient,
  ) {}

  /**
   * Wraps a connected client. The schema is checked by the first read (the version comes with the
   * data) or created/migrated under the database lock before the first write, or when a read finds it
   * missing or older; a newer one is refused either way.
   */
  static async open(url: string, client: SqlClient): Promise<ServerStackStore> {
    return new ServerStackStore(url, client);
  }

  async read(): Promise<StoreSnapshot> {
    let found: { version: number; tables: Tables | undefined } | undefined;
    try {
      found = await this.readAll(this.client);
    } catch (error) {
      // No zen tables yet (a fresh database): created under the lock below, then read again.
      if (!isMissingTable(error)) throw error;
    }
    if (found?.version === LATEST) {
      this.schemaReady ??= Promise.resolve();
    } else {
      // Missing or older: migrate (under the database lock); newer: refused with a message.
      this.schemaReady = undefined;
      await this.ensureSchema();
      found = await this.readAll(this.client);
    }
    if (found.tables) return this.snapshotOf(found.tables);
    // Too big for one statement: table by table, holding the lock row shared so no writer commits in between.
    return this.client.transaction(async (tx) => {
      await tx.query(`SELECT id FROM zen_store_lock WHERE id = 1 ${DIALECTS[this.client.dialect].lockShared}`);
      return this.snapshotOf(await this.readTables(tx));
    });
  }

  async transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T> {
    await this.ensureSchema();
    return this.client.transaction(async (tx) => {
      await tx.query("SELECT id FROM zen_store_lock WHERE id = 1 FOR UPDATE");
      const current = await this.readSnapshot(tx);
      const before = JSON.stringify(current);
      const result = await change(current);
      if (JSON.stringify(current) !== before) {
        checkSnapshot(current);
        await writeSnapshot(tx, current);
      }
      return result;
    });
  }

  close(): void {
    this.client.close().catch(() => undefined);
  }

  private ensureSchema(): Promise<void> {
    this.schemaReady ??= migrateSchema(this.client, { store: STACKS_STORE, migrations: STACK_MIGRATIONS }).then(
      () => undefined,
      (error: unknown) => {
        this.schemaReady = undefined;
        throw error;
      },
    );
    return this.schemaReady;
  }

  /**
   * The version and all four tables in one statement. `tables` is undefined when an aggregate came back
   * cut short (MariaDB caps JSON_ARRAYAGG at group_concat_max_len, 1 MB by default): read table by table then.
   */
  private async readAll(connection: SqlConnection): Promise<{ version: number; tables: Tables | undefined }> {
    const dialect = DIALECTS[this.client.dialect];
    const parts = Object.entries(TABLES).map(([key, { table, columns }]) => {
      const fields = Object.fromEntries(columns.map((column) => [column, column]));
      // As text on MySQL/MariaDB: mysql2 would parse a JSON column itself, and fail (breaking the connection) on a cut-short one.
      const aggregate = this.client.dialect === "mysql" ? `CAST(${dialect.jsonObjects(fields)} AS CHAR)` : dialect.jsonObjects(fields);
      return `(SELECT ${aggregate} FROM ${table}) AS ${key}`;
    });
    const sql = `SELECT (SELECT version FROM zen_schema_versions WHERE store = ?) AS version, ${parts.join(", ")}`;
    const [row] = await connection.query(sql, [STACKS_STORE]);
    const version = row?.version == null ? 0 : Number(row.version);
    const tables: Partial<Tables> = {};
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const rows = parseRows(row?.[key]);
      if (rows === undefined) return { version, tables: undefined };
      tables[key] = rows.sort((a, b) => Number(a.position) - Number(b.position));
    }
    return { version, tables: tables as Tables };
  }

  /** The tables one query each, inside a transaction that holds the lock row. */
  private async readTables(connection: SqlConnection): Promise<Tables> {
    const tables: Partial<Tables> = {};
    for (const [key, { table }] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      tables[key] = await connection.query(`SELECT * FROM ${table} ORDER BY position`);
    }
    return tables as Tables;
  }

  /** A fresh snapshot inside a transaction: one statement, or one per table when the aggregate was cut short. */
  private async readSnapshot(tx: SqlConnection): Promise<StoreSnapshot> {
    const all = await this.readAll(tx);
    return this.snapshotOf(all.tables ?? (await this.readTables(tx)));
  }

  private snapshotOf({ components: componentRows, stacks: stackRows, members: memberRows, flavors: flavorRows }: Tables): StoreSnapshot {
    const components = componentRows.map((row) => {
      const record: ComponentRecord = {
        id: String(row.id),
        name: String(row.name),
        type: this.componentType(row.type),
        flavor: String(row.flavor),
        config: this.parseConfig(row),
      };
      if (row.package != null) record.package = String(row.package);
      if (row.created_at != null) record.createdAt = String(row.created_at);
      if (row.updated_at != null) record.updatedAt = String(row.updated_at);
      return record;
    });
    const stacks = stackRows.map((row) => {
      const record: StackRecord = { id: String(row.id), name: String(row.name), components: {} };
      for (const m of memberRows) if (m.stack_id === row.id) record.components[this.componentType(m.type)] = String(m.component_name);
      if (row.created_at != null) record.createdAt = String(row.created_at);
      if (row.updated_at != null) record.updatedAt = String(row.updated_at);
      return record;
    });
    const flavors = flavorRows.map((row) => ({
      type: this.componentType(row.type),
      name: String(row.name),
      specifier: String(row.specifier),
      root: String(row.root),
    }));
    return { components, stacks, flavors };
  }

  private componentType(value: unknown): ComponentType {
    if (typeof value !== "string" || !isComponentType(value)) {
      throw new ZenError(`The store at ${this.client.target} holds an unknown component type '${String(value)}'.`, {
        code: "ZEN_CONFIG_MALFORMED",
        hint: "It was probably written by a newer zen: upgrade zen.",
      });
    }
    return value;
  }

  private parseConfig(row: Row): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(String(row.config));
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      /* reported below */
    }
    throw new ZenError(`The store at ${this.client.target} holds a malformed configuration for component '${String(row.name)}'.`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: "Fix or remove that row; zen left the database untouched.",
    });
  }
}

/** Replaces the contents inside the caller's transaction; the tables are small, a rewrite keeps it simple. */
async function writeSnapshot(tx: SqlConnection, snapshot: StoreSnapshot): Promise<void> {
  for (const table of ["zen_stack_components", "zen_stacks", "zen_components", "zen_custom_flavors"]) await tx.execute(`DELETE FROM ${table}`);
  await insertRows(
    tx,
    "zen_components",
    ["position", "id", "type", "name", "flavor", "config", "package", "created_at", "updated_at"],
    snapshot.components.map((c, i) => [
      i,
      c.id,
      c.type,
      c.name,
      c.flavor,
      JSON.stringify(c.config),
      c.package ?? null,
      c.createdAt ?? null,
      c.updatedAt ?? null,
    ]),
  );
  await insertRows(
    tx,
    "zen_stacks",
    ["position", "id", "name", "created_at", "updated_at"],
    snapshot.stacks.map((s, i) => [i, s.id, s.name, s.createdAt ?? null, s.updatedAt ?? null]),
  );
  const members = snapshot.stacks.flatMap((s) =>
    Object.entries(s.components)
      .filter(([, name]) => name !== undefined)
      .map(([type, name]) => [s.id, type, name]),
  );
  await insertRows(
    tx,
    "zen_stack_components",
    ["position", "stack_id", "type", "component_name"],
    members.map((m, i) => [i, ...m]),
  );
  await insertRows(
    tx,
    "zen_custom_flavors",
    ["position", "type", "name", "specifier", "root"],
    snapshot.flavors.map((f, i) => [i, f.type, f.name, f.specifier, f.root]),
  );
}

/** A JSON aggregate's rows: NULL for an empty table; text on MariaDB, parsed already on MySQL 8 and PostgreSQL; undefined when cut short. */
function parseRows(value: unknown): Row[] | undefined {
  if (value == null) return [];
  if (typeof value !== "string") return Array.isArray(value) ? (value as Row[]) : undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as Row[]) : undefined;
  } catch {
    return undefined;
  }
}

/** MySQL "table doesn't exist" (1146), PostgreSQL undefined_table (42P01). */
function isMissingTable(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return e.errno === 1146 || e.code === "42P01";
}

async function insertRows(tx: SqlConnection, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const marks = `(${columns.map(() => "?").join(", ")})`;
    await tx.execute(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${part.map(() => marks).join(", ")}`, part.flat());
  }
}
