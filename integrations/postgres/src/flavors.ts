/**
 * The `postgres` metadata store flavor (PostgreSQL 12+): data only. pg is imported by the
 * implementation module, which loads the first time a `postgres` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import type { SqlServerConfig } from "@zen/core/sql-stores";
import { postgresMetadataStoreConfig } from "./config.ts";

export { POSTGRES_DEFAULT_PORT, POSTGRES_DEFAULT_USER, postgresMetadataStoreConfig } from "./config.ts";

export const postgresMetadataStore = defineFlavor<SqlServerConfig>({
  type: "metadata_store",
  name: "postgres",
  description: "Pipeline runs, steps and artifacts in a PostgreSQL database, shared by every machine that points at it",
  config: postgresMetadataStoreConfig,
  implementation: () => import("./postgres-metadata-store.ts").then((m) => m.PostgresMetadataStore),
});

export default [postgresMetadataStore];
