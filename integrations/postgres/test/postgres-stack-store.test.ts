import { describeSqlServerStoreConformance, describeStackStoreConformance } from "@zen/core/testing";
import { connectPostgres } from "../src/postgres-client.ts";
import { postgresStoreDriver } from "../src/stores.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

describeStackStoreConformance("postgresql://", async () => {
  const db = await postgresTestDatabase("zen_stacks");
  const env = { ZEN_STORE_PASSWORD: db.server.password };
  return { open: () => postgresStoreDriver.open(db.url, env), cleanup: () => db.drop() };
});

describeSqlServerStoreConformance("PostgreSQL", async () => {
  const db = await postgresTestDatabase("zen_checks");
  return { options: db.options, connect: (options) => connectPostgres(options), cleanup: () => db.drop() };
});
