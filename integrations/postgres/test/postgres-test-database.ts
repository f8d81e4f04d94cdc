/** A PostgreSQL database of its own on the test server (scripts/services), and `postgres` metadata stores over it. */
import { DEFAULT_CONNECT_TIMEOUT_MS, type SqlServerOptions } from "@zen/core/sql-stores";
import { createTestDatabase, requirePostgres, type DatabaseService } from "../../../scripts/services/service-env.ts";
import { connectPostgres } from "../src/postgres-client.ts";

export interface PostgresTestDatabase {
  server: DatabaseService;
  name: string;
  options: SqlServerOptions;
  /** The `postgres` flavor configuration of this database (password given literally: tests resolve no secrets). */
  config: { host: string; port: number; database: string; username: string; password: string };
  /** `postgresql://user@host:port/db`. */
  url: string;
  drop(): Promise<void>;
}

/** Fails (never skips) when the server is not running. */
export async function postgresTestDatabase(prefix = "zen_test"): Promise<PostgresTestDatabase> {
  const server = await requirePostgres();
  const admin = await connectPostgres({ ...server, database: "postgres", connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS });
  const created = await createTestDatabase((sql) => admin.execute(sql), prefix);
  return {
    server,
    name: created.name,
    options: { ...server, database: created.name, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS },
    config: { host: server.host, port: server.port, database: created.name, username: server.user, password: server.password },
    url: `postgresql://${server.user}@${server.host}:${server.port}/${created.name}`,
    async drop() {
      try {
        await created.drop();
      } finally {
        await admin.close();
      }
    },
  };
}
