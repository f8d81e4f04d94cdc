/** A MariaDB database of its own on the test server (scripts/services), and `mysql` metadata stores over it. */
import { DEFAULT_CONNECT_TIMEOUT_MS, type SqlServerOptions } from "@zen/core/sql-stores";
import { createTestDatabase, requireMariaDb, type DatabaseService } from "../../../scripts/services/service-env.ts";
import { connectMySql } from "../src/mysql-client.ts";

export interface MySqlTestDatabase {
  server: DatabaseService;
  name: string;
  options: SqlServerOptions;
  /** The `mysql` flavor configuration of this database (password given literally: tests resolve no secrets). */
  config: { host: string; port: number; database: string; username: string; password: string };
  /** `mysql://user@host:port/db`. */
  url: string;
  drop(): Promise<void>;
}

/** Fails (never skips) when the server is not running. */
export async function mysqlTestDatabase(prefix = "zen_test"): Promise<MySqlTestDatabase> {
  const server = await requireMariaDb();
  const admin = await connectMySql({ ...server, database: "mysql", connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS });
  const created = await createTestDatabase((sql) => admin.execute(sql), prefix);
  return {
    server,
    name: created.name,
    options: { ...server, database: created.name, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS },
    config: { host: server.host, port: server.port, database: created.name, username: server.user, password: server.password },
    url: `mysql://${server.user}@${server.host}:${server.port}/${created.name}`,
    async drop() {
      try {
        await created.drop();
      } finally {
        await admin.close();
      }
    },
  };
}
