/**
 * A profile store driver for a database server, from the one thing that differs between servers
 * (how to connect): the URL is parsed and checked, the password found (ZEN_STORE_PASSWORD, the
 * password file, or a prompt on a terminal when the server asks for one), and the shared stack store
 * opened or its schema migrated. Each driver package's `stores` entry is this call and a lazy import
 * of its client, so `zen stack list` on a shared profile loads this entry, the driver and its client.
 */
import { canPromptForPassword, promptPassword } from "./password-prompt.ts";
import { migrateSchemaFrom, type SchemaMigrationResult } from "./schema-migrations.ts";
import type { SqlServerOptions } from "./server-options.ts";
import { ServerStackStore } from "./server-stack-store.ts";
import type { SqlClient } from "./sql-client.ts";
import { STACK_MIGRATIONS, STACKS_STORE } from "./stack-schema.ts";
import { parseStoreUrl, storePassword, type StoreUrl } from "./store-url.ts";
import type { StackStoreDriver } from "./store-driver.ts";

export interface ServerStoreDriverSpec {
  /** URL schemes with their colon; the first is the canonical one, e.g. `["postgresql:", "postgres:"]`. */
  schemes: readonly string[];
  /** Schemes recorded as another (`postgres:` → `postgresql:`); the others are kept as written. */
  aliases?: Readonly<Record<string, string>>;
  /** The npm package that provides the driver (named in errors). */
  package: string;
  defaultPort: number;
  /** Loads the client library (only now: never on the start-up path) and connects; `scheme` without its colon, for messages. */
  connect(options: SqlServerOptions, scheme: string): Promise<SqlClient>;
}

export function defineServerStoreDriver(spec: ServerStoreDriverSpec): StackStoreDriver {
  const parse = (url: string): StoreUrl & { scheme: string } => {
    const parsed = parseStoreUrl(url, spec.schemes, spec.defaultPort);
    const written = parsed.url.slice(0, parsed.url.indexOf(":") + 1);
    const scheme = spec.aliases?.[written] ?? written;
    return { ...parsed, url: `${scheme}${parsed.url.slice(written.length)}`, scheme: scheme.slice(0, -1) };
  };

  const connect = async (url: string, env: Record<string, string | undefined>): Promise<{ client: SqlClient; url: string }> => {
    const parsed = parse(url);
    const password = storePassword(parsed, env);
    try {
      return { client: await spec.connect({ ...parsed.options, password }, parsed.scheme), url: parsed.url };
    } catch (error) {
      // No password given and the server wants one: ask the person at the terminal (asked only then, so
      // servers that trust the user or a client certificate never prompt).
      if (password !== undefined || (error as { code?: string }).code !== "ZEN_STORE_AUTH" || !canPromptForPassword()) throw error;
      const typed = await promptPassword(`Password for ${parsed.options.user}@${parsed.options.host} (${parsed.url.replace(/\?.*$/, "")}): `);
      return { client: await spec.connect({ ...parsed.options, password: typed }, parsed.scheme), url: parsed.url };
    }
  };

  return {
    schemes: spec.schemes,
    package: spec.package,
    normalizeUrl: (url) => parse(url).url,
    async open(url, env) {
      const { client, url: canonical } = await connect(url, env);
      return ServerStackStore.open(canonical, client);
    },
    async migrate(url, env): Promise<SchemaMigrationResult> {
      const { client } = await connect(url, env);
      try {
        return await migrateSchemaFrom(client, { store: STACKS_STORE, migrations: STACK_MIGRATIONS });
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  };
}
