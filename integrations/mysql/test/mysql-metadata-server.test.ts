import { fileURLToPath } from "node:url";
import { MySqlMetadataStore } from "../src/mysql-metadata-store.ts";
import { describeMetadataServerBehaviour } from "./metadata-server-suite.ts";
import { mysqlTestDatabase } from "./mysql-test-database.ts";

describeMetadataServerBehaviour("mysql (MariaDB)", {
  flavor: "mysql",
  storeModule: fileURLToPath(new URL("../src/mysql-metadata-store.ts", import.meta.url)),
  Store: MySqlMetadataStore,
  database: () => mysqlTestDatabase("zen_meta"),
});
