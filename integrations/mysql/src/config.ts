/** The `mysql` metadata store's config schema and defaults: shared by the flavor and its implementation. */
import { sqlServerConfigSchema } from "@zen/core/sql-stores";

export const MYSQL_DEFAULT_PORT = 3306;
export const MYSQL_DEFAULT_USER = "root";

export const mysqlMetadataStoreConfig = sqlServerConfigSchema(MYSQL_DEFAULT_PORT, MYSQL_DEFAULT_USER);
