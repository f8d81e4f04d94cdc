/**
 * The SQLite driver (better-sqlite3), loaded on first use. It is a native module and an optional peer
 * of @zen/core: flavor packages build and test against @zen/core without compiling it, and only the
 * stores that keep SQLite files (the `sqlite` metadata store, the `sql` stack store) load it.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { ZenError } from "../errors.ts";

let driver: typeof BetterSqlite3 | undefined;

/** The better-sqlite3 `Database` class; `what` names the store that needs it, e.g. "The sqlite metadata store". */
export function sqliteDriver(what: string): typeof BetterSqlite3 {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
    return driver;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === "MODULE_NOT_FOUND" && String(message).includes("'better-sqlite3'")) {
      throw new ZenError(`${what} needs the SQLite driver better-sqlite3, which is not installed.`, {
        code: "ZEN_SQLITE_MISSING",
        hint: "Install it where zen is installed: `npm install better-sqlite3` (for a global zen: `npm install --global better-sqlite3`).",
        cause: error,
      });
    }
    throw new ZenError(`${what} could not load the SQLite driver better-sqlite3: ${String(message).split("\n")[0]}`, {
      code: "ZEN_SQLITE_MISSING",
      hint: "Rebuild it for this Node.js: `npm rebuild better-sqlite3` where zen is installed.",
      cause: error,
    });
  }
}
