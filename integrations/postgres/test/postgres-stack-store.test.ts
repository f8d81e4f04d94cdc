import { describe, expect, it } from "@jest/globals";
import { ServerStackStore } from "@zen/core/sql-stores/driver";
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

describe("postgresql:// stack store reads", () => {
  it("read a current profile in one round trip, large configurations included", async () => {
    const db = await postgresTestDatabase("zen_stack_reads");
    const client = await connectPostgres(db.options);
    try {
      const store = await ServerStackStore.open(db.url, client);
      const config = { path: "/tmp/a", note: "x".repeat(1_200_000) };
      await store.transact((draft) => {
        draft.components.push({ id: "c1", name: "big", type: "artifact_store", flavor: "local", config });
      });
      const before = client.roundTrips;
      const snapshot = await store.read();
      expect(client.roundTrips - before).toBe(1);
      expect(snapshot.components[0]!.config).toEqual(config);
    } finally {
      await client.close();
      await db.drop();
    }
  });
});
