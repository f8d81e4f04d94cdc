/**
 * The profile store driver for `postgresql://user@host:port/db` (and `postgres://`) URLs: stacks and
 * components in a database a team shares. pg loads only when such a profile is opened.
 */
import { defineStoreDriver, parseStoreUrl, storePassword } from "@zen/core/sql-stores";

const SCHEMES = ["postgresql:", "postgres:"] as const;
const DEFAULT_PORT = 5432;

export const postgresStoreDriver = defineStoreDriver({
  schemes: SCHEMES,
  package: "@zen/integration-postgres",
  normalizeUrl: (url) => parseStoreUrl(url, SCHEMES, DEFAULT_PORT).url.replace(/^postgres:/, "postgresql:"),
  async open(url, env) {
    const parsed = parseStoreUrl(url, SCHEMES, DEFAULT_PORT);
    const password = storePassword(parsed, env);
    const { connectPostgres } = await import("./postgres-client.ts");
    const { ServerStackStore } = await import("@zen/core/sql-stores");
    const client = await connectPostgres({ ...parsed.options, password });
    return ServerStackStore.open(parsed.url.replace(/^postgres:/, "postgresql:"), client);
  },
});

export default [postgresStoreDriver];
