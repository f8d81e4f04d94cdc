/** What every zen SQLite database needs on open and before a migration. */
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { tempName } from "./atomic-write.ts";
import { isTaggedProcessAlive, PROCESS_TAG_PATTERN } from "./process-alive.ts";

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

/**
 * Creates the database `file` complete: `init` runs on a private temp copy (mode 0600), which is then
 * hard-linked into place. So the file never exists empty or half-made, and an empty file is always
 * damage. Two processes creating it together: the first link wins, the other copy is dropped.
 */
export function createDatabaseFile(file: string, Database: typeof BetterSqlite3, init: (db: BetterSqlite3.Database) => void): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeDeadCreations(file);
  const temp = join(dir, `.${tempName(basename(file))}`);
  try {
    closeSync(openSync(temp, "wx", 0o600));
    const db = new Database(temp);
    try {
      // No journal: a crash leaves only this temp file, which the next creation removes.
      db.pragma("journal_mode = OFF");
      init(db);
    } finally {
      db.close();
    }
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

const CREATION_TEMP = new RegExp(String.raw`^(${PROCESS_TAG_PATTERN})\.[0-9a-f-]+\.tmp$`);

/** Temp copies left by a process killed while creating the database (the name carries its process tag). */
function removeDeadCreations(file: string): void {
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const writer = name.startsWith(prefix) ? CREATION_TEMP.exec(name.slice(prefix.length))?.[1] : undefined;
    if (writer !== undefined && !isTaggedProcessAlive(writer)) rmSync(join(dirname(file), name), { force: true });
  }
}
