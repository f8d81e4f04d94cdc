/**
 * The profile store driver for `mysql://user@host:port/db` (and `mariadb://`) URLs: stacks and
 * components in a database a team shares. It imports the light `@zen/core/sql-stores/driver` entry;
 * mysql2 loads only when such a profile is opened.
 */
import { defineServerStoreDriver } from "@zen/core/sql-stores/driver";

export const mysqlStoreDriver = defineServerStoreDriver({
  schemes: ["mysql:", "mariadb:"],
  package: "@zen/integration-mysql",
  defaultPort: 3306,
  connect: async (options, scheme) => (await import("./mysql-client.ts")).connectMySql(options, scheme),
});

export default [mysqlStoreDriver];
