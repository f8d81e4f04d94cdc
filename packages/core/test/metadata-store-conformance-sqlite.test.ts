/** The metadata store conformance suite on the built-in `sqlite` store (a real database file in a temp dir). */
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { SqliteMetadataStore } from "../src/builtins/sqlite-metadata-store.ts";
import { describeMetadataStoreConformance } from "../src/testing/index.ts";

describeMetadataStoreConformance("sqlite", async () => {
  const dir = makeTempDir("zen-conformance-sqlite-");
  return {
    store: new SqliteMetadataStore({ id: "sqlite-conformance", name: "default", flavor: "sqlite", config: { uri: join(dir, "metadata.db") }, configDir: dir }),
  };
});
