/**
 * The profile store driver for `mysql://user@host:port/db` (and `mariadb://`) URLs: stacks and
 * components in a database a team shares. mysql2 loads only when such a profile is opened.
 */
import { defineStoreDriver, parseStoreUrl, storePassword } from "@zen/core/sql-stores";

const SCHEMES = ["mysql:", "mariadb:"] as const;
const DEFAULT_PORT = 3306;

export const mysqlStoreDriver = defineStoreDriver({
  schemes: SCHEMES,
  package: "@zen/integration-mysql",
  normalizeUrl: (url) => parseStoreUrl(url, SCHEMES, DEFAULT_PORT).url,
  async open(url, env) {
    const parsed = parseStoreUrl(url, SCHEMES, DEFAULT_PORT);
    const password = storePassword(parsed, env);
    const { connectMySql } = await import("./mysql-client.ts");
    const { ServerStackStore } = await import("@zen/core/sql-stores");
    const client = await connectMySql({ ...parsed.options, password }, parsed.url.startsWith("mariadb:") ? "mariadb" : "mysql");
    return ServerStackStore.open(parsed.url, client);
  },
});

export default [mysqlStoreDriver];
