/**
 * `@zen/core/sql-stores`: what the database-server drivers (`@zen/integration-mysql`,
 * `@zen/integration-postgres`) build on, so both share one schema, one migration mechanism and one
 * implementation of each store. No database driver is imported here: each package adapts its own.
 * The part a profile store needs is also `@zen/core/sql-stores/driver`, which loads no zod.
 */
export * from "./driver-api.ts";
export { METADATA_MIGRATIONS, METADATA_STORE } from "./metadata-schema.ts";
export { SqlMetadataStore } from "./sql-metadata-store.ts";
export { serverOptionsFromConfig, sqlServerConfigSchema, type SqlServerConfig } from "./flavor-config.ts";
export { findStoreDriver, openDriverStore, type DriverSearch } from "./find-driver.ts";
export { checkDriverUrl, needsStoreDriver } from "./driver-url.ts";
