/** The `mysql` metadata store: the shared SQL metadata store over a mysql2 connection pool. */
import { serverOptionsFromConfig, SqlMetadataStore, type SqlClient, type SqlServerConfig } from "@zen/core/sql-stores";
import { MYSQL_DEFAULT_PORT, MYSQL_DEFAULT_USER } from "./config.ts";
import { connectMySql } from "./mysql-client.ts";

export class MySqlMetadataStore extends SqlMetadataStore<SqlServerConfig> {
  protected connect(): Promise<SqlClient> {
    return connectMySql(serverOptionsFromConfig(this.config, MYSQL_DEFAULT_PORT, MYSQL_DEFAULT_USER));
  }
}
