import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "@jest/globals";
import type BetterSqlite3 from "better-sqlite3";
import { makeTempDir } from "@zen/test-utils";
import { ConflictError, SqliteMetadataStore, ValidationError, type NewRunRecord } from "../src/index.ts";
import { MIGRATIONS } from "../src/builtins/sqlite-schema.ts";
import { runScript } from "./pipeline-helpers.ts";
import { Database, insertRawRun, openOlderStore, openStore } from "./sqlite-metadata-helpers.ts";

const METADATA_FIXTURES = new URL("./fixtures/metadata/", import.meta.url).pathname;

function newRun(name: string, steps = ["a", "b"]): NewRunRecord {
  return {
    id: `${name}-id`,
    name,
    pipelineName: "p",
    stack: { name: "s", components: {} },
    runtimeConfiguration: { x: 1 },
    parameters: { lr: 0.1 },
    enableCache: true,
    startedAt: new Date().toISOString(),
    zenVersion: "0.0.0-test",
    steps: steps.map((s, i) => ({ id: `${name}-${s}`, name: s, stepName: s, parameters: { i }, upstream: i === 0 ? [] : [steps[i - 1]!] })),
  };
}

describe("SqliteMetadataStore", () => {
  it("opens lazily, in WAL mode with a busy timeout, at the latest schema version", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "nested", "metadata.db");
    const store = openStore(file);
    expect(existsSync(file)).toBe(false);
    // Reading a store that recorded nothing yet creates nothing.
    expect(await store.listPipelines()).toEqual([]);
    expect(await store.listRuns({})).toEqual([]);
    expect(await store.getRun("x")).toBeUndefined();
    expect(existsSync(path.dirname(file))).toBe(false);
    await store.createRun(newRun("first"));
    expect(existsSync(file)).toBe(true);
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["artifacts", "pipelines", "runs", "step_inputs", "step_outputs", "steps"]));
    db.close();

    // The busy timeout is set on the connection the store uses.
    const again = openStore(file);
    await again.listPipelines();
    const connection = (again as unknown as { db: BetterSqlite3.Database }).db;
    expect(connection.pragma("busy_timeout", { simple: true })).toBeGreaterThanOrEqual(5000);
    await again.close();
  });

  it("accepts paths, sqlite:/// and file:// URIs, and refuses remote ones", async () => {
    const dir = makeTempDir("zen-meta-");
    expect(openStore(path.join(dir, "a.db")).databasePath).toBe(path.join(dir, "a.db"));
    expect(openStore(`sqlite://${path.join(dir, "b.db")}`).databasePath).toBe(path.join(dir, "b.db"));
    expect(openStore(pathToFileURL(path.join(dir, "c.db")).href).databasePath).toBe(path.join(dir, "c.db"));
    expect(() => openStore("mysql://host/db").databasePath).toThrow(ValidationError);
    expect(() => openStore("s3://bucket/metadata.db").databasePath).toThrow(
      "The uri 's3://bucket/metadata.db' of the SQLite metadata store is not a local path.",
    );
  });

  it("refuses a database written by a newer zen, without touching it", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    const db = new Database(file);
    db.pragma("user_version = 99");
    db.close();
    const store = openStore(file);
    await expect(store.listPipelines()).rejects.toThrow(
      `The metadata store '${file}' has schema version 99, newer than this zen supports (${MIGRATIONS.at(-1)!.version}).`,
    );
    const check = new Database(file, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(99);
    expect(check.prepare("SELECT COUNT(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 });
    check.close();
  });

  it("lets 8 processes open one new database at the same moment, each recording its run", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    const names = Array.from({ length: 8 }, (_, i) => `proc-${i}`);
    const results = await Promise.all(names.map((name) => runScript(path.join(METADATA_FIXTURES, "record-run.ts"), [file, name, String(names.length)])));
    expect(results.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual(names.map(() => ({ code: 0, stderr: "" })));
    const store = openStore(file);
    expect((await store.listRuns({})).map((r) => r.name).sort()).toEqual(names);
    await store.close();
  }, 60_000);

  it("migrates an older database forward, keeping its data and a backup of the old version", async () => {
    const dir = makeTempDir("zen-meta-");
    const file = path.join(dir, "metadata.db");
    const v1 = openOlderStore(file, 1);
    expect(v1.schemaVersion()).toBe(1);
    await v1.close();
    insertRawRun(file, { id: "r1", name: "before-upgrade", status: "running", stackJson: "{}" });

    const next = MIGRATIONS.at(-1)!.version + 1;
    class UpgradedStore extends SqliteMetadataStore {
      static override migrations = [
        ...MIGRATIONS,
        { version: next, description: "run notes", sql: "ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'migrated';" },
      ];
    }
    const v2 = openStore(file, UpgradedStore);
    // A run recorded before runs had owners is shown as it was recorded.
    expect((await v2.getRun("before-upgrade"))?.status).toBe("running");
    expect(v2.schemaVersion()).toBe(next);
    await v2.close();

    const backups = readdirSync(dir).filter((f) => f.startsWith("metadata.db.v1-") && f.endsWith(".bak"));
    expect(backups).toHaveLength(1);
    const backup = new Database(path.join(dir, backups[0]!), { readonly: true });
    expect(backup.pragma("user_version", { simple: true })).toBe(1);
    expect(backup.prepare("SELECT name FROM runs").all()).toEqual([{ name: "before-upgrade" }]);
    backup.close();
    const upgraded = new Database(file, { readonly: true });
    expect(upgraded.prepare("SELECT note FROM runs").get()).toEqual({ note: "migrated" });
    upgraded.close();
  });

  it("records a run's steps and settles unfinished ones when the run ends", async () => {
    const store = openStore(path.join(makeTempDir("zen-meta-"), "metadata.db"));
    const run = await store.createRun(newRun("r1", ["a", "b", "c"]));
    expect(run).toMatchObject({ name: "r1", pipelineName: "p", status: "running", runtimeConfiguration: { x: 1 }, parameters: { lr: 0.1 } });
    await expect(store.createRun(newRun("r1"))).rejects.toThrow(ConflictError);

    expect(await store.markStepRunning("r1-a", new Date().toISOString())).toBe(true);
    expect(await store.markStepRunning("r1-a", new Date().toISOString())).toBe(false);
    const now = new Date().toISOString();
    expect(
      await store.completeStep({
        stepId: "r1-a",
        status: "completed",
        cacheKey: "k",
        codeHash: "c",
        startedAt: now,
        endedAt: now,
        durationMs: 1,
        inputs: [],
        newArtifacts: [
          {
            id: "art-1",
            name: "output",
            uri: "/x",
            materializer: "zen.json",
            dataType: "object",
            contentHash: "sha256:1",
            producerStepId: "r1-a",
            artifactStoreId: "s",
            createdAt: now,
          },
        ],
        outputs: [{ name: "output", artifactId: "art-1" }],
      }),
    ).toBe(true);
    await store.markStepRunning("r1-b", now);
    await store.finishRun(run.id, {
      status: "cancelled",
      endedAt: now,
      durationMs: 5,
      error: "cancelled: test",
      unfinishedSteps: { pending: "cancelled", running: "cancelled" },
    });
    // A step finishing after its run ended is ignored.
    expect(
      await store.completeStep({ stepId: "r1-b", status: "completed", startedAt: now, endedAt: now, durationMs: 1, inputs: [], newArtifacts: [], outputs: [] }),
    ).toBe(false);

    const steps = await store.listSteps([run.id]);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["b", "cancelled"],
      ["c", "cancelled"],
    ]);
    expect((await store.getRun("r1"))?.status).toBe("cancelled");
    expect((await store.findCachedExecution({ pipelineName: "p", stepName: "a", cacheKey: "k", artifactStoreId: "s" }))?.outputs.output?.id).toBe("art-1");
    expect(await store.findCachedExecution({ pipelineName: "p", stepName: "a", cacheKey: "k", artifactStoreId: "other-store" })).toBeUndefined();
    expect((await store.latestExecution({ pipelineName: "p", stepName: "a" }))?.runName).toBe("r1");
    await store.close();
  });

  it("answers the post-execution and cache queries from indexes", async () => {
    const store = openStore(path.join(makeTempDir("zen-meta-"), "metadata.db"));
    await store.createRun(newRun("r1"));
    const db = (store as unknown as { db: BetterSqlite3.Database }).db;
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(" | ");
    // The latest-run query of the post-execution API.
    expect(
      plan(
        "SELECT r.*, p.name FROM runs r JOIN pipelines p ON p.id = r.pipeline_id " +
          "WHERE r.pipeline_id = (SELECT id FROM pipelines WHERE name = ?) ORDER BY r.seq DESC LIMIT 1",
        "p",
      ),
    ).toMatch(/USING (COVERING )?INDEX runs_by_pipeline/);
    expect(
      plan(
        "SELECT * FROM steps s WHERE s.pipeline_id = ? AND s.name = ? AND s.cache_key = ? AND s.status = 'completed' ORDER BY s.seq DESC LIMIT 1",
        "p",
        "a",
        "k",
      ),
    ).toContain("USING INDEX steps_by_cache_key");
    expect(plan("SELECT * FROM steps WHERE run_id IN (?) ORDER BY run_id, position", "x")).toContain("USING INDEX steps_by_run");
    expect(plan("SELECT * FROM step_inputs WHERE artifact_id = ?", "x")).toMatch(/USING (COVERING )?INDEX step_inputs_by_artifact/);
    expect(plan("SELECT * FROM artifacts WHERE producer_step_id = ?", "x")).toMatch(/USING (COVERING )?INDEX artifacts_by_producer/);
    await store.close();
  });
});
