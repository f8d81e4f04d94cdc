/** Ways to damage a file: each returns the new bytes (or deletes the file), deterministically. */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { BetterSqlite3 } from "./parse-check.ts";

export type Damage = "empty" | "truncated" | "garbage" | "wrong shape" | "future version" | "alias bomb" | "missing" | "null" | "table missing";

/** A YAML "billion laughs": nine levels of nine aliases each (9^9 nodes if expanded). */
export const ALIAS_BOMB = `${[
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map((name, i) => {
    const prev = "abcdefgh"[i];
    return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
  "format_version: 1",
].join("\n")}\n`;

/** Deterministic non-UTF-8, non-YAML, non-JSON, non-SQLite bytes. */
export const GARBAGE = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151 + 7) % 256));

function sqlite(file: string, sql: string): void {
  const db = new BetterSqlite3(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Damages `file` as `damage` says; `shape` is what "wrong shape" writes for this kind of file. */
export function damageFile(file: string, damage: Damage, options: { shape?: string; sql?: string } = {}): void {
  const bytes = (() => {
    try {
      return readFileSync(file);
    } catch {
      return Buffer.alloc(0);
    }
  })();
  switch (damage) {
    case "empty":
      return writeFileSync(file, "");
    case "truncated":
      return writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    case "garbage":
      return writeFileSync(file, GARBAGE);
    case "null":
      return writeFileSync(file, file.endsWith(".json") ? "null" : "~\n");
    case "wrong shape":
      return writeFileSync(file, options.shape ?? "format_version: 1\nprofiles: [1, 2, 3]\n");
    case "alias bomb":
      return writeFileSync(file, ALIAS_BOMB);
    case "missing":
      return rmSync(file, { force: true });
    case "table missing":
    case "future version": {
      if (options.sql) {
        // SQLite: change a copy, then move the main file only (no WAL/SHM of ours left behind).
        const copy = `${file}.damage-copy`;
        copyFileSync(file, copy);
        sqlite(copy, options.sql);
        copyFileSync(copy, file);
        rmSync(copy);
        for (const suffix of ["-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
        return;
      }
      const text = bytes.toString("utf8");
      if (file.endsWith(".json")) {
        const value = JSON.parse(text) as Record<string, unknown>;
        for (const key of Object.keys(value)) if (/version/i.test(key)) value[key] = 999;
        return writeFileSync(file, JSON.stringify(value));
      }
      return writeFileSync(file, text.replace(/^(\s*format_?[vV]ersion:\s*)\d+/m, "$1999"));
    }
  }
}
