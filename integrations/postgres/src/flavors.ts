/**
 * The `postgres` metadata store flavor (PostgreSQL 12+): data only. pg is imported by the
 * implementation module, which loads the first time a `postgres` component is used.
 */
import { defineFlavor } from "@zen/core";
import { sqlServerConfigSchema, type SqlServerConfig } from "@zen/core/sql-stores";

export const POSTGRES_DEFAULT_PORT = 5432;
export const POSTGRES_DEFAULT_USER = "postgres";

export const postgresMetadataStoreConfig = sqlServerConfigSchema(POSTGRES_DEFAULT_PORT, POSTGRES_DEFAULT_USER);

export const postgresMetadataStore = defineFlavor<SqlServerConfig>({
  type: "metadata_store",
  name: "postgres",
  description: "Pipeline runs, steps and artifacts in a PostgreSQL database, shared by every machine that points at it",
  config: postgresMetadataStoreConfig,
  implementation: () => import("./postgres-metadata-store.ts").then((m) => m.PostgresMetadataStore),
});

export default [postgresMetadataStore];
