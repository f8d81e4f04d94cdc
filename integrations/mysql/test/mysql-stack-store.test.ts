import { describe, expect, it } from "@jest/globals";
import { ServerStackStore } from "@zen/core/sql-stores/driver";
import { describeSqlServerStoreConformance, describeStackStoreConformance } from "@zen/core/testing";
import { connectMySql } from "../src/mysql-client.ts";
import { mysqlStoreDriver } from "../src/stores.ts";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

describeStackStoreConformance("mysql:// (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_stacks");
  const env = { ZEN_STORE_PASSWORD: db.server.password };
  return { open: () => mysqlStoreDriver.open(db.url, env), cleanup: () => db.drop() };
});

describeSqlServerStoreConformance("MariaDB", async () => {
  const db = await mysqlTestDatabase("zen_checks");
  return { options: db.options, connect: (options) => connectMySql(options), cleanup: () => db.drop() };
});

describe("mysql client sessions", () => {
  it("run every transaction at READ COMMITTED, set once per connection", async () => {
    const db = await mysqlTestDatabase();
    const client = await connectMySql(db.options);
    try {
      // More transactions than pooled connections, some at once: each connection gets the level before its first use.
      const levels = await Promise.all(
        Array.from({ length: 12 }, () =>
          client.transaction((tx) => tx.query<{ Value: string }>("SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')")),
        ),
      );
      for (const rows of levels) {
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row.Value).toBe("READ-COMMITTED");
      }
    } finally {
      await client.close();
      await db.drop();
    }
  });
});

describe("mysql:// stack store reads", () => {
  it("read a current profile in one round trip, and one too big for one statement table by table", async () => {
    const db = await mysqlTestDatabase("zen_stack_reads");
    const client = await connectMySql(db.options);
    try {
      const store = await ServerStackStore.open(db.url, client);
      const config = { path: "/tmp/a", note: "x".repeat(1_200_000) };
      await store.transact((draft) => {
        draft.components.push({ id: "c1", name: "big", type: "artifact_store", flavor: "local", config });
      });
      // MariaDB caps JSON_ARRAYAGG at group_concat_max_len (1 MB by default): the read falls back, whole.
      const reader = await ServerStackStore.open(db.url, await connectMySql(db.options));
      expect((await reader.read()).components[0]!.config).toEqual(config);
      reader.close();
      await store.transact((draft) => {
        draft.components[0]!.config = { path: "/tmp/a" };
      });
      const before = client.roundTrips;
      const snapshot = await store.read();
      expect(client.roundTrips - before).toBe(1);
      expect(snapshot.components.map((c) => c.config)).toEqual([{ path: "/tmp/a" }]);
    } finally {
      await client.close();
      await db.drop();
    }
  });
});
