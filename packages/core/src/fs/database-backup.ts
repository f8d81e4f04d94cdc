/** The copy every SQLite migration keeps of the database as it was (architecture: migrations come with a backup). */
import type BetterSqlite3 from "better-sqlite3";

/**
 * Writes a consistent copy of `db` next to `file` as `<file>.v<version>-<time>-<pid>.bak` and returns
 * its path. Call it outside a transaction (VACUUM INTO cannot run in one) and before migrating.
 */
export function backUpDatabase(db: BetterSqlite3.Database, file: string, version: number): string {
  const backup = `${file}.v${version}-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.bak`;
  db.prepare("VACUUM INTO ?").run(backup);
  return backup;
}
