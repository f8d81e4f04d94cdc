/**
 * `zen profile migrate` on local profiles (YAML and SQLite stores), through the built CLI: it says what
 * it did, migrates an older SQLite database (keeping a copy), and refuses a store from a newer zen
 * without touching it. The database-server stores are checked in the mysql and postgres packages.
 */
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { sandbox, type Sandbox } from "./run-zen.ts";

/** better-sqlite3 (a dependency of @zen/core here), to put a store back to an older schema or forward to a newer one. */
const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => { exec(sql: string): void; close(): void };

/** A sandbox with a SQL profile `lite` whose zen.db `sql` then changed (as another zen left it). */
function liteProfile(sql: string): { s: Sandbox; file: string } {
  const s = sandbox();
  expect(s.zen(["profile", "create", "lite", "--store-type", "sql"]).status).toBe(0);
  const file = join(s.configDir, "profiles", "lite", "zen.db");
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return { s, file };
}

describe("zen profile migrate", () => {
  it("is described by --help", () => {
    const s = sandbox();
    const r = s.zen(["profile", "migrate", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/schema/);
    expect(r.stdout).toContain("--output");
  });

  it("reports a YAML store as already current, as text and as JSON", () => {
    const s = sandbox();
    const text = s.zen(["profile", "migrate"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/The stack store of profile 'default' \(file:\/\/.*\) is already at schema version 1\./);
    const json = s.zen(["profile", "migrate", "default", "--output", "json"]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: "profile_migration",
      item: { name: "default", store_type: "local", from_version: 1, to_version: 1, migrated: false },
    });
  });

  it("refuses a YAML store from a newer zen and leaves it untouched", () => {
    const s = sandbox();
    s.zen(["profile", "list"]);
    const file = join(s.configDir, "profiles", "default", "stacks.yaml");
    const newer = readFileSync(file, "utf8").replace(/^format_version: 1$/m, "format_version: 7");
    writeFileSync(file, newer);
    const r = s.zen(["profile", "migrate"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("format version 7");
    expect(r.stderr).toMatch(/upgrade zen/i);
    expect(readFileSync(file, "utf8")).toBe(newer);
  });

  it("migrates an older SQLite store from its version to the current one, once, keeping a copy", () => {
    // Back to schema version 1: no `package` column yet.
    const { s, file } = liteProfile("ALTER TABLE components DROP COLUMN package; DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (1);");
    const r = s.zen(["profile", "migrate", "lite"]);
    expect(r.stderr + r.stdout).toContain("was migrated from schema version 1 to 2");
    expect(r.status).toBe(0);
    expect(readdirSync(dirname(file)).some((name) => /^zen\.db\.v1-.*\.bak$/.test(name))).toBe(true);
    const again = s.zen(["profile", "migrate", "lite", "--output", "json"]);
    expect(JSON.parse(again.stdout).item).toMatchObject({ store_type: "sql", from_version: 2, to_version: 2, migrated: false });
    // The migrated store works.
    expect(s.zen(["stack", "list", "--profile", "lite"]).stdout).toContain("default");
  });

  it("refuses a SQLite store from a newer zen, as opening it does", () => {
    const { s } = liteProfile("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (99);");
    for (const args of [
      ["profile", "migrate", "lite"],
      ["stack", "list", "--profile", "lite"],
    ]) {
      const r = s.zen(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("schema version 99");
      expect(r.stderr).toMatch(/upgrade zen/i);
    }
  });

  it("names an unknown profile", () => {
    const s = sandbox();
    const r = s.zen(["profile", "migrate", "nope"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("nope");
  });
});
