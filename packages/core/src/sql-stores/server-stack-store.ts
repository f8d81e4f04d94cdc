/**
 * A profile's stack store on a database server, shared by a team: every `transact` locks the store's
 * lock row first (SELECT … FOR UPDATE), reads a fresh snapshot, applies the change and rewrites the
 * tables in the same transaction, so writers on different machines queue and none loses another's
 * change; `read` takes a shared lock, so it never sees half a commit.
 */
import { isComponentType, type ComponentType } from "../component-types.ts";
import { ZenError } from "../errors.ts";
import type { ComponentRecord, StackRecord, StackStore, StoreSnapshot } from "../store/records.ts";
import { checkSnapshot } from "../store/snapshot.ts";
import { migrateSchema } from "./schema-migrations.ts";
import { DIALECTS, type Row, type SqlClient, type SqlConnection } from "./sql-client.ts";
import { STACK_MIGRATIONS, STACKS_STORE } from "./stack-schema.ts";

export class ServerStackStore implements StackStore {
  readonly type = "sql" as const;

  private constructor(
    readonly url: string,
    private readonly client: SqlClient,
  ) {}

  /** Wraps a connected client, creating or migrating the schema (under a lock) when needed. */
  static async open(url: string, client: SqlClient): Promise<ServerStackStore> {
    try {
      await migrateSchema(client, { store: STACKS_STORE, migrations: STACK_MIGRATIONS });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return new ServerStackStore(url, client);
  }

  read(): Promise<StoreSnapshot> {
    return this.client.transaction(async (tx) => {
      await tx.query(`SELECT id FROM zen_store_lock WHERE id = 1 ${DIALECTS[this.client.dialect].lockShared}`);
      return this.readSnapshot(tx);
    });
  }

  transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T> {
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

  private async readSnapshot(tx: SqlConnection): Promise<StoreSnapshot> {
    const [componentRows, stackRows, memberRows, flavorRows] = [
      await tx.query("SELECT * FROM zen_components ORDER BY position"),
      await tx.query("SELECT * FROM zen_stacks ORDER BY position"),
      await tx.query("SELECT * FROM zen_stack_components ORDER BY position"),
      await tx.query("SELECT * FROM zen_custom_flavors ORDER BY position"),
    ];
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

async function insertRows(tx: SqlConnection, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const marks = `(${columns.map(() => "?").join(", ")})`;
    await tx.execute(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${part.map(() => marks).join(", ")}`, part.flat());
  }
}
