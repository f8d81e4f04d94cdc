/**
 * A profile store driver: what a package's `"stores"` entry (beside `"flavors"` in its package.json
 * `zen` key) exports by default, one driver per URL scheme family. `zen profile create --url` picks
 * the driver by the URL's scheme; the YAML and SQLite stores are built in.
 */
import type { StackStore } from "../store/records.ts";
import type { SchemaMigrationResult } from "./schema-migrations.ts";

export interface StackStoreDriver {
  /** URL schemes with their colon, e.g. `["mysql:", "mariadb:"]`. */
  schemes: readonly string[];
  /** The npm package that provides the driver (named in errors). */
  package: string;
  /** Checks a URL and returns its canonical form (what the profile records); refuses a password in it. */
  normalizeUrl(url: string): string;
  /** Connects and returns the store (creating or migrating its schema under a database lock). */
  open(url: string, env: Record<string, string | undefined>): Promise<StackStore>;
  /** Brings the store's schema to this zen's version under the database lock (`zen profile migrate`); refuses a newer one. */
  migrate?(url: string, env: Record<string, string | undefined>): Promise<SchemaMigrationResult>;
}

/** Packages known to provide drivers for schemes, for the "install …" hint when none is installed. */
export const KNOWN_STORE_PACKAGES: Record<string, string> = {
  "mysql:": "@zen/integration-mysql",
  "mariadb:": "@zen/integration-mysql",
  "postgresql:": "@zen/integration-postgres",
  "postgres:": "@zen/integration-postgres",
};

export function defineStoreDriver(driver: StackStoreDriver): StackStoreDriver {
  return driver;
}
