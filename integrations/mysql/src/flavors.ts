/**
 * The `mysql` metadata store flavor (MySQL 8 and MariaDB 10.6+): data only. mysql2 is imported by the
 * implementation module, which loads the first time a `mysql` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import type { SqlServerConfig } from "@zen/core/sql-stores";
import { mysqlMetadataStoreConfig } from "./config.ts";

export { MYSQL_DEFAULT_PORT, MYSQL_DEFAULT_USER, mysqlMetadataStoreConfig } from "./config.ts";

export const mysqlMetadataStore = defineFlavor<SqlServerConfig>({
  type: "metadata_store",
  name: "mysql",
  description: "Pipeline runs, steps and artifacts in a MySQL or MariaDB database, shared by every machine that points at it",
  config: mysqlMetadataStoreConfig,
  implementation: () => import("./mysql-metadata-store.ts").then((m) => m.MySqlMetadataStore),
});

export default [mysqlMetadataStore];
