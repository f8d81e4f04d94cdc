/** What every zen SQLite database needs on open and before a migration. */
import { chmodSync } from "node:fs";
import type BetterSqlite3 from "better-sqlite3";

/**
 * Switches `db` to WAL (readers never block the writer). Changing the journal mode takes an exclusive
 * lock, and SQLite answers SQLITE_BUSY at once, without its busy handler, when waiting could deadlock
 * (several processes opening a new database together): so it is retried until `timeoutMs`.
 */
export function useWriteAheadLog(db: BetterSqlite3.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 40);
    }
  }
}

/**
 * Writes a consistent copy of `db` next to `file` as `<file>.v<version>-<time>-<pid>.bak` and returns
 * its path. Call it outside a transaction (VACUUM INTO cannot run in one) and before migrating.
 */
export function backUpDatabase(db: BetterSqlite3.Database, file: string, version: number): string {
  const backup = `${file}.v${version}-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}.bak`;
  db.prepare("VACUUM INTO ?").run(backup);
  // A copy of the database holds what it holds: as private as the original.
  chmodSync(backup, 0o600);
  return backup;
}
