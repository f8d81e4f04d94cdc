import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStackStore, storePath } from "../src/store/open-store.ts";
import { SqlStackStore } from "../src/store/sql-stack-store.ts";
import { sampleSnapshot, storeContract } from "./fixtures/config/store-contract.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

storeContract("sql (SQLite)", async (dir) => openStackStore("sql", `sqlite://${join(dir, "zen.db")}`));

describe("SQLite stack store", () => {
  let dir: string | undefined;
  afterEach(async () => removeDir(dir));

  it("uses WAL, a busy timeout and a schema version table; the file is 0600", async () => {
    dir = await tempDir();
    const file = join(dir, "profiles", "p", "zen.db");
    const store = await SqlStackStore.open(file);
    expect(store.url).toBe(`sqlite://${file}`);
    expect(storePath("sql", store.url)).toBe(file);
    await store.transact((d) => Object.assign(d, sampleSnapshot()));
    store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: 2 }]);
      expect(db.prepare("SELECT name FROM stacks").all()).toEqual([{ name: "default" }]);
    } finally {
      db.close();
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("clears the lock an initialiser killed before letting go left behind; a live holder's lock stays", async () => {
    dir = await tempDir();
    const file = join(dir, "zen.db");
    (await SqlStackStore.open(file)).close();
    const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), nonce: "0123456789abcdef" });
    await writeFile(`${file}.lock`, owner(999_999_999));
    (await SqlStackStore.open(file)).close();
    expect(await readdir(dir)).not.toContain("zen.db.lock");
    await writeFile(`${file}.lock`, owner(process.pid));
    (await SqlStackStore.open(file)).close();
    expect(await readdir(dir)).toContain("zen.db.lock");
  });

  it("brings a version 1 database up to date on open, keeping what it holds and a copy of it as it was", async () => {
    dir = await tempDir();
    const file = join(dir, "zen.db");
    // The schema zen 0.1 wrote (before components recorded the package of their flavor).
    const v1 = new Database(file);
    v1.exec(`
      CREATE TABLE schema_version (version INTEGER NOT NULL);
      INSERT INTO schema_version (version) VALUES (1);
      CREATE TABLE components (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, flavor TEXT NOT NULL,
        config TEXT NOT NULL, created_at TEXT, updated_at TEXT, UNIQUE (type, name));
      CREATE TABLE stacks (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT, updated_at TEXT);
      CREATE TABLE stack_components (stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE, type TEXT NOT NULL,
        component_name TEXT NOT NULL, PRIMARY KEY (stack_id, type));
      CREATE TABLE custom_flavors (type TEXT NOT NULL, name TEXT NOT NULL, specifier TEXT NOT NULL, root TEXT NOT NULL,
        PRIMARY KEY (type, name));
      INSERT INTO components (id, type, name, flavor, config) VALUES ('c1', 'artifact_store', 'old', 'local', '{"path":"/tmp/old"}');
    `);
    v1.close();
    const store = await SqlStackStore.open(file);
    try {
      expect((await store.read()).components).toEqual([{ id: "c1", name: "old", type: "artifact_store", flavor: "local", config: { path: "/tmp/old" } }]);
      await store.transact((draft) => {
        draft.components.push({ id: "c2", name: "lake", type: "artifact_store", flavor: "s3", config: {}, package: "@zen/integration-s3" });
      });
      expect((await store.read()).components[1]?.package).toBe("@zen/integration-s3");
    } finally {
      store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: 2 }]);
    } finally {
      db.close();
    }
    const backups = (await readdir(dir)).filter((f) => f.startsWith("zen.db.v1-") && f.endsWith(".bak"));
    expect(backups).toHaveLength(1);
    const backup = new Database(join(dir, backups[0]!), { readonly: true });
    try {
      expect(backup.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: 1 }]);
      expect(backup.prepare("SELECT name FROM components").all()).toEqual([{ name: "old" }]);
    } finally {
      backup.close();
    }
  });

  it("refuses a database with a newer schema version", async () => {
    dir = await tempDir();
    const file = join(dir, "zen.db");
    (await SqlStackStore.open(file)).close();
    const db = new Database(file);
    db.prepare("UPDATE schema_version SET version = 9").run();
    db.close();
    await expect(SqlStackStore.open(file)).rejects.toMatchObject({
      code: "ZEN_FORMAT_TOO_NEW",
      message: expect.stringContaining("schema version 9"),
    });
  });

  it("reports a file that is not a database and leaves it untouched", async () => {
    dir = await tempDir();
    const file = join(dir, "zen.db");
    const junk = "this is not sqlite, just text that happens to be here\n".repeat(100);
    await writeFile(file, junk);
    await expect(SqlStackStore.open(file)).rejects.toMatchObject({
      code: "ZEN_CONFIG_MALFORMED",
      message: expect.stringContaining(file),
    });
    expect(await readFile(file, "utf8")).toBe(junk);
  });

  it("rejects URLs it cannot open, with the accepted forms", () => {
    expect(() => storePath("sql", "mysql://user@host/db")).toThrow(/only SQLite is supported/);
    expect(() => storePath("sql", "relative/zen.db")).toThrow(/must be absolute/);
    expect(() => storePath("local", "s3://bucket")).toThrow(/only file URLs/);
  });
});
