/** The `postgres` metadata store: the shared SQL metadata store over a pg connection pool. */
import { serverOptionsFromConfig, SqlMetadataStore, type SqlClient, type SqlServerConfig } from "@zen/core/sql-stores";
import { POSTGRES_DEFAULT_PORT, POSTGRES_DEFAULT_USER } from "./config.ts";
import { connectPostgres } from "./postgres-client.ts";

export class PostgresMetadataStore extends SqlMetadataStore<SqlServerConfig> {
  protected connect(): Promise<SqlClient> {
    return connectPostgres(serverOptionsFromConfig(this.config, POSTGRES_DEFAULT_PORT, POSTGRES_DEFAULT_USER));
  }
}
