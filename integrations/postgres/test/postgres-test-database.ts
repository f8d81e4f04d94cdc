/** A PostgreSQL database of its own on the test server (scripts/services), and `postgres` metadata stores over it. */
import { DEFAULT_CONNECT_TIMEOUT_MS } from "@zen/core/sql-stores";
import { requirePostgres, serverTestDatabase, type ServerTestDatabase } from "../../../scripts/services/service-env.ts";
import { connectPostgres } from "../src/postgres-client.ts";

export type PostgresTestDatabase = ServerTestDatabase;

/** Fails (never skips) when the server is not running. */
export async function postgresTestDatabase(prefix = "zen_test"): Promise<PostgresTestDatabase> {
  return serverTestDatabase(await requirePostgres(), {
    scheme: "postgresql",
    adminDatabase: "postgres",
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    connect: connectPostgres,
    prefix,
  });
}
