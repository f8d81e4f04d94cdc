/** "Every file parses": each YAML and JSON file under a directory parses, each SQLite database passes its integrity check. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parse } from "yaml";
import { listFiles } from "./files.ts";
import { CORE_DIR } from "./zen-process.ts";

export type Database = { pragma(sql: string, options?: { simple: boolean }): unknown; exec(sql: string): void; close(): void };
/** better-sqlite3, the driver @zen/core itself uses. */
export const BetterSqlite3 = createRequire(join(CORE_DIR, "package.json"))("better-sqlite3") as new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => Database;

/** The files under `dir` that do not parse, with why (empty when all do). */
export function unparsableFiles(dir: string): string[] {
  const problems: string[] = [];
  for (const file of listFiles(dir)) {
    const path = join(dir, file);
    try {
      if (/\.ya?ml$/.test(file)) parse(readFileSync(path, "utf8"));
      else if (file.endsWith(".json")) JSON.parse(readFileSync(path, "utf8"));
      else if (file.endsWith(".db")) {
        const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
        try {
          const result = db.pragma("integrity_check", { simple: true });
          if (result !== "ok") throw new Error(String(result));
        } finally {
          db.close();
        }
      }
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return problems;
}
