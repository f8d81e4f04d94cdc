// Opening zen's SQLite databases: the switch to WAL outlasts a lock SQLite will not wait for itself,
// and a migration keeps a copy of the database as it was.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import type BetterSqlite3 from "better-sqlite3";
import { makeTempDir } from "@zen/test-utils";
import { backUpDatabase, useWriteAheadLog } from "../src/fs/sqlite-database.ts";

const require = createRequire(import.meta.url);
const Database = require("better-sqlite3") as typeof BetterSqlite3;

/** Another process holds an exclusive lock on `file` for `ms`; resolves once it holds it. */
function holdExclusiveLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const code = `const db = new (require(${JSON.stringify(require.resolve("better-sqlite3"))}))(${JSON.stringify(file)});
db.exec("BEGIN EXCLUSIVE"); db.exec("INSERT INTO t VALUES (1)");
console.log("locked");
setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve) => child.stdout.once("data", () => resolve({ released })));
}

function rollbackDatabase(): string {
  const file = path.join(makeTempDir("zen-sqlite-"), "store.db");
  const db = new Database(file);
  db.exec("CREATE TABLE t (x)");
  db.close();
  return file;
}

describe("useWriteAheadLog", () => {
  it("retries the switch to WAL while SQLite answers SQLITE_BUSY without waiting, then succeeds", async () => {
    const file = rollbackDatabase();
    const { released } = await holdExclusiveLock(file, 400);
    // busy_timeout 0: SQLite reports SQLITE_BUSY at once, as it does when waiting could deadlock.
    const db = new Database(file, { timeout: 0 });
    const started = Date.now();
    useWriteAheadLog(db, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    await released;
  });

  it("gives up with SQLITE_BUSY when the lock outlasts the timeout", async () => {
    const file = rollbackDatabase();
    const { released } = await holdExclusiveLock(file, 1_000);
    const db = new Database(file, { timeout: 0 });
    expect(() => useWriteAheadLog(db, 100)).toThrow(expect.objectContaining({ code: "SQLITE_BUSY" }));
    db.close();
    await released;
  });
});

describe("backUpDatabase", () => {
  it("writes a consistent copy named after the version, next to the database", () => {
    const file = rollbackDatabase();
    const db = new Database(file);
    db.exec("INSERT INTO t VALUES (42)");
    const backup = backUpDatabase(db, file, 3);
    db.close();
    expect(path.dirname(backup)).toBe(path.dirname(file));
    expect(path.basename(backup)).toMatch(new RegExp(`^store\\.db\\.v3-.+-${process.pid}\\.bak$`));
    const copy = new Database(backup, { readonly: true });
    expect(copy.prepare("SELECT x FROM t").all()).toEqual([{ x: 42 }]);
    copy.close();
  });
});
