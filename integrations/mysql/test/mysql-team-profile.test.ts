/**
 * `zen profile create team --store-type sql --url mysql://…` through the built CLI, from separate
 * config directories (teammates), on the MariaDB test server.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeSharedProfileConformance } from "@zen/core/testing";
import { makeProject } from "@zen/test-utils";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describeSharedProfileConformance("mysql:// (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_team");
  const project = makeProject({ dependencies: { "@zen/integration-mysql": "*" } });
  mkdirSync(join(project, "node_modules", "@zen"), { recursive: true });
  symlinkSync(resolve(HERE, ".."), join(project, "node_modules", "@zen", "integration-mysql"), "dir");
  return {
    zenBin: resolve(HERE, "../../../packages/cli/bin/zen.js"),
    project,
    bareProject: makeProject(),
    url: db.url,
    password: db.server.password,
    packageName: "@zen/integration-mysql",
    metadataStore: {
      flavor: "mysql",
      options: [`--host=${db.server.host}`, `--port=${db.server.port}`, `--database=${db.name}`, `--username=${db.server.user}`],
    },
    cleanup: () => db.drop(),
  };
});
