/** A MariaDB database of its own on the test server (scripts/services), and `mysql` metadata stores over it. */
import { DEFAULT_CONNECT_TIMEOUT_MS } from "@zen/core/sql-stores";
import { requireMariaDb, serverTestDatabase, type ServerTestDatabase } from "../../../scripts/services/service-env.ts";
import { connectMySql } from "../src/mysql-client.ts";

export type MySqlTestDatabase = ServerTestDatabase;

/** Fails (never skips) when the server is not running. */
export async function mysqlTestDatabase(prefix = "zen_test"): Promise<MySqlTestDatabase> {
  return serverTestDatabase(await requireMariaDb(), {
    scheme: "mysql",
    adminDatabase: "mysql",
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    connect: connectMySql,
    prefix,
  });
}
