import { describeMetadataStoreConformance } from "@zen/core/testing";
import { MySqlMetadataStore } from "../src/mysql-metadata-store.ts";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

describeMetadataStoreConformance("mysql (MariaDB)", async () => {
  const db = await mysqlTestDatabase("zen_conf");
  return {
    store: new MySqlMetadataStore({ id: "mysql-conformance", name: "shared", flavor: "mysql", config: db.config, configDir: "/nonexistent" }),
    cleanup: () => db.drop(),
  };
});
