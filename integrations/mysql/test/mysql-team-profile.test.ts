/**
 * `zen profile create team --store-type sql --url mysql://…` through the built CLI, from separate
 * config directories (teammates), on the MariaDB test server.
 */
import { fileURLToPath } from "node:url";
import { describeSharedProfileConformance } from "@zen/core/testing";
import { makeProject, teamProfileFixture } from "@zen/test-utils";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

const PACKAGE = { name: "@zen/integration-mysql", dir: fileURLToPath(new URL("..", import.meta.url)) };

describeSharedProfileConformance("mysql:// (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_team");
  return {
    ...teamProfileFixture(db, PACKAGE),
    bareProject: makeProject(),
    packageName: PACKAGE.name,
    metadataStore: {
      flavor: "mysql",
      options: [`--host=${db.server.host}`, `--port=${db.server.port}`, `--database=${db.name}`, `--username=${db.server.user}`],
    },
  };
});
