/**
 * `zen profile create team --store-type sql --url postgresql://…` through the built CLI, from separate
 * config directories (teammates), on the PostgreSQL test server.
 */
import { fileURLToPath } from "node:url";
import { describeSharedProfileConformance } from "@zen/core/testing";
import { makeProject, teamProfileFixture } from "@zen/test-utils";
import { postgresTestDatabase } from "./postgres-test-database.ts";

const PACKAGE = { name: "@zen/integration-postgres", dir: fileURLToPath(new URL("..", import.meta.url)) };

describeSharedProfileConformance("postgresql://", async () => {
  const db = await postgresTestDatabase("zen_team");
  return {
    ...teamProfileFixture(db, PACKAGE),
    bareProject: makeProject(),
    packageName: PACKAGE.name,
    metadataStore: {
      flavor: "postgres",
      options: [`--host=${db.server.host}`, `--port=${db.server.port}`, `--database=${db.name}`, `--username=${db.server.user}`],
    },
  };
});
