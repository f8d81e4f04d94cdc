/** `zen profile migrate`, the password prompt and concurrent updates of one component on a mysql:// profile (MariaDB test server). */
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeSharedProfileOperations } from "@zen/core/testing";
import { makeProject } from "@zen/test-utils";
import { connectMySql } from "../src/mysql-client.ts";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describeSharedProfileOperations("mysql:// (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_team_ops");
  const project = makeProject({ dependencies: { "@zen/integration-mysql": "*" } });
  mkdirSync(join(project, "node_modules", "@zen"), { recursive: true });
  symlinkSync(resolve(HERE, ".."), join(project, "node_modules", "@zen", "integration-mysql"), "dir");
  return {
    zenBin: resolve(HERE, "../../../packages/cli/bin/zen.js"),
    project,
    url: db.url,
    password: db.server.password,
    client: await connectMySql(db.options),
    lockWaiters: async (client) => {
      const rows = await client.query(
        `SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
         WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()`,
      );
      return Number(rows[0]?.n ?? 0);
    },
    cleanup: () => db.drop(),
  };
});
