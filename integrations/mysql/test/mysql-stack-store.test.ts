import { describe, expect, it } from "@jest/globals";
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
