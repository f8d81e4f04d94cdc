import { fileURLToPath } from "node:url";
import { describeMetadataServerBehaviour } from "../../mysql/test/metadata-server-suite.ts";
import { PostgresMetadataStore } from "../src/postgres-metadata-store.ts";
import { postgresTestDatabase } from "./postgres-test-database.ts";

describeMetadataServerBehaviour("postgres", {
  flavor: "postgres",
  storeModule: fileURLToPath(new URL("../src/postgres-metadata-store.ts", import.meta.url)),
  Store: PostgresMetadataStore,
  database: () => postgresTestDatabase("zen_meta"),
});
