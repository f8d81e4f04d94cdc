/** The `postgres` metadata store's config schema and defaults: shared by the flavor and its implementation. */
import { sqlServerConfigSchema } from "@zen/core/sql-stores";

export const POSTGRES_DEFAULT_PORT = 5432;
export const POSTGRES_DEFAULT_USER = "postgres";

export const postgresMetadataStoreConfig = sqlServerConfigSchema(POSTGRES_DEFAULT_PORT, POSTGRES_DEFAULT_USER);
