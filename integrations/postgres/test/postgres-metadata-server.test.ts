import { fileURLToPath } from "node:url";
import { expect, it } from "@jest/globals";
import type { SqlClient } from "@zen/core/sql-stores";
import { describeMetadataServerBehaviour } from "../../mysql/test/metadata-server-suite.ts";
import { PostgresMetadataStore } from "../src/postgres-metadata-store.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

describeMetadataServerBehaviour("postgres", {
  flavor: "postgres",
  storeModule: fileURLToPath(new URL("../src/postgres-metadata-store.ts", import.meta.url)),
  Store: PostgresMetadataStore,
  database: () => postgresTestDatabase("zen_meta"),
});

it("runs its statements unnamed once the server connection lost the prepared ones (a transaction-mode pooler in between)", async () => {
  const db = await postgresTestDatabase("zen_meta");
  const store = new PostgresMetadataStore({ id: "pg-pooled", name: "team", flavor: "postgres", config: db.config, configDir: "/nonexistent" });
  try {
    const lookup = { pipelineName: "pooled", stepName: "train" };
    // The second run of a statement prepares it under a name; the pool hands the same idle connection back.
    expect(await store.latestExecution(lookup)).toBeUndefined();
    expect(await store.latestExecution(lookup)).toBeUndefined();
    const client = await (store as unknown as { client(): Promise<SqlClient> }).client();
    await client.execute("DEALLOCATE ALL");
    expect(await store.latestExecution(lookup)).toBeUndefined();
    expect(await store.latestExecution(lookup)).toBeUndefined();
  } finally {
    await store.close();
    await db.drop();
  }
}, 60_000);
