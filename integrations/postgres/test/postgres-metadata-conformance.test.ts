import { describeMetadataStoreConformance } from "@zen/core/testing";
import { PostgresMetadataStore } from "../src/postgres-metadata-store.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

describeMetadataStoreConformance("postgres", async () => {
  const db = await postgresTestDatabase("zen_conf");
  return {
    store: new PostgresMetadataStore({ id: "postgres-conformance", name: "shared", flavor: "postgres", config: db.config, configDir: "/nonexistent" }),
    cleanup: () => db.drop(),
  };
});
