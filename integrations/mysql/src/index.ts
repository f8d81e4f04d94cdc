/** `@zen/integration-mysql`: the `mysql` metadata store flavor and the `mysql://` profile store driver. */
export { mysqlMetadataStore, mysqlMetadataStoreConfig, MYSQL_DEFAULT_PORT } from "./flavors.ts";
export { MySqlMetadataStore } from "./mysql-metadata-store.ts";
export { connectMySql } from "./mysql-client.ts";
export { mysqlStoreDriver } from "./stores.ts";
