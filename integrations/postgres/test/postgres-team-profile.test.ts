/**
 * `zen profile create team --store-type sql --url postgresql://…` through the built CLI, from separate
 * config directories (teammates), on the PostgreSQL test server.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeSharedProfileConformance } from "@zen/core/testing";
import { makeProject } from "@zen/test-utils";
import { postgresTestDatabase } from "./postgres-test-database.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describeSharedProfileConformance("postgresql://", async () => {
  const db = await postgresTestDatabase("zen_team");
  const project = makeProject({ dependencies: { "@zen/integration-postgres": "*" } });
  mkdirSync(join(project, "node_modules", "@zen"), { recursive: true });
  symlinkSync(resolve(HERE, ".."), join(project, "node_modules", "@zen", "integration-postgres"), "dir");
  return {
    zenBin: resolve(HERE, "../../../packages/cli/bin/zen.js"),
    project,
    bareProject: makeProject(),
    url: db.url,
    password: db.server.password,
    packageName: "@zen/integration-postgres",
    metadataStore: {
      flavor: "postgres",
      options: [`--host=${db.server.host}`, `--port=${db.server.port}`, `--database=${db.name}`, `--username=${db.server.user}`],
    },
    cleanup: () => db.drop(),
  };
});
