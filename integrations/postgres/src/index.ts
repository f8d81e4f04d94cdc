/** `@zen/integration-postgres`: the `postgres` metadata store flavor and the `postgresql://` profile store driver. */
export { postgresMetadataStore, postgresMetadataStoreConfig, POSTGRES_DEFAULT_PORT } from "./flavors.ts";
export { PostgresMetadataStore } from "./postgres-metadata-store.ts";
export { connectPostgres } from "./postgres-client.ts";
export { postgresStoreDriver } from "./stores.ts";
