/**
 * The `mysql` metadata store flavor (MySQL 8 and MariaDB 10.6+): data only. mysql2 is imported by the
 * implementation module, which loads the first time a `mysql` component is used.
 */
import { defineFlavor } from "@zen/core";
import { sqlServerConfigSchema, type SqlServerConfig } from "@zen/core/sql-stores";

export const MYSQL_DEFAULT_PORT = 3306;
export const MYSQL_DEFAULT_USER = "root";

export const mysqlMetadataStoreConfig = sqlServerConfigSchema(MYSQL_DEFAULT_PORT, MYSQL_DEFAULT_USER);

export const mysqlMetadataStore = defineFlavor<SqlServerConfig>({
  type: "metadata_store",
  name: "mysql",
  description: "Pipeline runs, steps and artifacts in a MySQL or MariaDB database, shared by every machine that points at it",
  config: mysqlMetadataStoreConfig,
  implementation: () => import("./mysql-metadata-store.ts").then((m) => m.MySqlMetadataStore),
});

export default [mysqlMetadataStore];
