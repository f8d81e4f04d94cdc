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
