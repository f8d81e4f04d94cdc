/**
 * `@zen/core/sql-stores`: what the database-server drivers (`@zen/integration-mysql`,
 * `@zen/integration-postgres`) build on, so both share one schema, one migration mechanism and one
 * implementation of each store. No database driver is imported here: each package adapts its own.
 */
export { DIALECTS, type Row, type SqlClient, type SqlConnection, type SqlDialect, type SqlDialectName } from "./sql-client.ts";
export { migrateSchema, schemaVersionOf, type SchemaOptions, type SqlMigration } from "./schema-migrations.ts";
export { METADATA_MIGRATIONS, METADATA_STORE } from "./metadata-schema.ts";
export { STACK_MIGRATIONS, STACKS_STORE } from "./stack-schema.ts";
export { SqlMetadataStore } from "./sql-metadata-store.ts";
export { ServerStackStore } from "./server-stack-store.ts";
export {
  connectError,
  DEFAULT_CONNECT_TIMEOUT_MS,
  describeTarget,
  scrub,
  tlsSettings,
  withConnectTimeout,
  type ConnectFailure,
  type SqlServerOptions,
  type SqlTlsOptions,
} from "./server-options.ts";
export { maskPassword, parseStoreUrl, STORE_PASSWORD_ENV, storePassword, type StoreUrl } from "./store-url.ts";
export { defineStoreDriver, KNOWN_STORE_PACKAGES, type StackStoreDriver } from "./store-driver.ts";
export { serverOptionsFromConfig, sqlServerConfigSchema, type SqlServerConfig } from "./flavor-config.ts";
export { findStoreDriver, openDriverStore, type DriverSearch } from "./find-driver.ts";
export { checkDriverUrl, needsStoreDriver } from "./driver-url.ts";
