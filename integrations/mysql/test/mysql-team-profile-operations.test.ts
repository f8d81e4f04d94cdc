/** `zen profile migrate`, the password prompt and concurrent updates of one component on a mysql:// profile (MariaDB test server). */
import { fileURLToPath } from "node:url";
import { describeSharedProfileOperations } from "@zen/core/testing";
import { teamProfileFixture } from "@zen/test-utils";
import { connectMySql } from "../src/mysql-client.ts";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

const PACKAGE = { name: "@zen/integration-mysql", dir: fileURLToPath(new URL("..", import.meta.url)) };

describeSharedProfileOperations("mysql:// (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_team_ops");
  return {
    ...teamProfileFixture(db, PACKAGE),
    client: await connectMySql(db.options),
    lockWaiters: async (client) => {
      const rows = await client.query(
        `SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
         WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()`,
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
});
