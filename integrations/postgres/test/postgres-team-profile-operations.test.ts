/** `zen profile migrate`, the password prompt and concurrent updates of one component on a postgresql:// profile. */
import { fileURLToPath } from "node:url";
import { describeSharedProfileOperations } from "@zen/core/testing";
import { teamProfileFixture } from "@zen/test-utils";
import { connectPostgres } from "../src/postgres-client.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

const PACKAGE = { name: "@zen/integration-postgres", dir: fileURLToPath(new URL("..", import.meta.url)) };

describeSharedProfileOperations("postgresql://", async () => {
  const db = await postgresTestDatabase("zen_team_ops");
  return {
    ...teamProfileFixture(db, PACKAGE),
    client: await connectPostgres(db.options),
    lockWaiters: async (client) => {
      const rows = await client.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      return Number(rows[0]?.n ?? 0);
    },
  };
});
