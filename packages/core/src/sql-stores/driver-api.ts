/**
 * `@zen/core/sql-stores/driver`: what a database driver package needs to connect and to serve a
 * profile's stack store, and nothing that a metadata store flavor needs (no zod, no metadata store):
 * `zen stack list` on a shared profile loads this file, the driver's and the database client library.
 */
export {
  DIALECTS,
  retryTransaction,
  type Row,
  type SqlClient,
  type SqlConnection,
  type SqlDialect,
  type SqlDialectName,
  type SqlStatement,
} from "./sql-client.ts";
export {
  migrateSchema,
  migrateSchemaFrom,
  schemaVersionOf,
  type SchemaMigrationResult,
  type SchemaOptions,
  type SqlMigration,
} from "./schema-migrations.ts";
export { STACK_MIGRATIONS, STACKS_STORE } from "./stack-schema.ts";
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
export { defineServerStoreDriver, type ServerStoreDriverSpec } from "./server-store-driver.ts";
export { canPromptForPassword, promptPassword } from "./password-prompt.ts";
export { loadDriverLibrary } from "./driver-library.ts";
