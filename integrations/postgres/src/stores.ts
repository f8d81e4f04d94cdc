/**
 * The profile store driver for `postgresql://user@host:port/db` (and `postgres://`) URLs: stacks and
 * components in a database a team shares. It imports the light `@zen/core/sql-stores/driver` entry;
 * pg loads only when such a profile is opened.
 */
import { defineServerStoreDriver } from "@zen/core/sql-stores/driver";

export const postgresStoreDriver = defineServerStoreDriver({
  schemes: ["postgresql:", "postgres:"],
  aliases: { "postgres:": "postgresql:" },
  package: "@zen/integration-postgres",
  defaultPort: 5432,
  connect: async (options) => (await import("./postgres-client.ts")).connectPostgres(options),
});

export default [postgresStoreDriver];
