/** `zen profile migrate`, the password prompt and concurrent updates of one component on a postgresql:// profile. */
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeSharedProfileOperations } from "@zen/core/testing";
import { makeProject } from "@zen/test-utils";
import { connectPostgres } from "../src/postgres-client.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describeSharedProfileOperations("postgresql://", async () => {
  const db = await postgresTestDatabase("zen_team_ops");
  const project = makeProject({ dependencies: { "@zen/integration-postgres": "*" } });
  mkdirSync(join(project, "node_modules", "@zen"), { recursive: true });
  symlinkSync(resolve(HERE, ".."), join(project, "node_modules", "@zen", "integration-postgres"), "dir");
  return {
    zenBin: resolve(HERE, "../../../packages/cli/bin/zen.js"),
    project,
    url: db.url,
    password: db.server.password,
    client: await connectPostgres(db.options),
    lockWaiters: async (client) => {
      const rows = await client.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      return Number(rows[0]?.n ?? 0);
    },
    cleanup: () => db.drop(),
  };
});
