/**
 * Pages of runs in the SQLite store beyond the conformance suite: a run whose process died reads as
 * failed and is filtered as failed, an older database gains the stack column on migration, 10,000
 * runs page by index, and the contract's default (in memory, for stores that do not override it)
 * passes the same conformance suite.
 */
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { BaseMetadataStore, SqliteMetadataStore, type RunPage, type RunPageQuery } from "../src/index.ts";
import { MIGRATIONS } from "../src/builtins/sqlite-schema.ts";
import { describeMetadataStoreConformance } from "../src/testing/index.ts";
import { Database, insertRawRun, newRunRecord, openOlderStore, openStore } from "./sqlite-metadata-helpers.ts";

/** Filters and pages in memory: what a third-party store that does not override queryRuns gets. */
class InMemoryPagingStore extends SqliteMetadataStore {
  override queryRuns(query: RunPageQuery): Promise<RunPage> {
    return BaseMetadataStore.prototype.queryRuns.call(this, query);
  }
}

describeMetadataStoreConformance("the default queryRuns (in memory)", async () => {
  const dir = makeTempDir("zen-conformance-paging-");
  return {
    store: new InMemoryPagingStore({ id: "paging", name: "default", flavor: "sqlite", config: { uri: path.join(dir, "metadata.db") }, configDir: dir }),
  };
});

describe("pages of runs in the sqlite store", () => {
  it("filters a run whose process died as failed, never as running", async () => {
    const file = path.join(makeTempDir("zen-meta-pages-"), "metadata.db");
    const store = openStore(file);
    await store.createRun(newRunRecord("alive", "p"));
    await store.createRun(newRunRecord("crashed", "p"));
    await store.createRun(newRunRecord("done", "p"));
    await store.finishRun("done-id", {
      status: "failed",
      endedAt: new Date().toISOString(),
      durationMs: 1,
      unfinishedSteps: { pending: "skipped", running: "failed" },
    });
    // The run "crashed" belonged to a process that has ended.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const db = new Database(file);
    db.prepare("UPDATE runs SET owner_json = ? WHERE name = 'crashed'").run(JSON.stringify({ pid: gone, host: hostname() }));
    db.close();

    const names = (page: RunPage) => page.runs.map((r) => r.name);
    const running = await store.queryRuns({ status: "running", limit: 10 });
    expect(names(running)).toEqual(["alive"]);
    expect(running.total).toBe(1);
    const failed = await store.queryRuns({ status: "failed", limit: 10 });
    expect(names(failed)).toEqual(["done", "crashed"]);
    expect(failed.total).toBe(2);
    expect(failed.runs[1]).toMatchObject({ status: "failed", error: expect.stringContaining(`crashed: process ${gone}`) });
    expect(names(await store.queryRuns({ status: "failed", limit: 1, before: "done-id" }))).toEqual(["crashed"]);
    await store.close();
    // The in-memory default agrees: it filters the statuses as read.
    const memory = openStore(file, InMemoryPagingStore);
    expect(names(await memory.queryRuns({ status: "running", limit: 10 }))).toEqual(["alive"]);
    expect(names(await memory.queryRuns({ status: "failed", limit: 10 }))).toEqual(["done", "crashed"]);
    await memory.close();
  });

  it("migrates an older database: runs recorded before get their stack name, and new runs too", async () => {
    const file = path.join(makeTempDir("zen-meta-pages-"), "metadata.db");
    const old = openOlderStore(file, 2);
    expect(old.schemaVersion()).toBe(2);
    await old.close();
    insertRawRun(file, { id: "before-id", name: "before", status: "completed", stackJson: '{"name":"production","components":{}}' });
    const store = openStore(file);
    await store.createRun(newRunRecord("after", "p", "production"));
    await store.createRun(newRunRecord("elsewhere", "p", "default"));
    const page = await store.queryRuns({ stackName: "production", limit: 10 });
    expect(page.runs.map((r) => r.name)).toEqual(["after", "before"]);
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    await store.close();
  });

  it("answers a page over 10,000 runs by index, with every filter", async () => {
    const file = path.join(makeTempDir("zen-meta-pages-"), "metadata.db");
    const store = openStore(file);
    await store.listPipelines();
    // Written in one transaction straight into the database: 10,000 createRun calls would only measure recording.
    await store.createRun(newRunRecord("seed", "p0"));
    const db = new Database(file);
    const pipelines = ["p0", "p1", "p2", "p3"].map((name) => {
      db.prepare("INSERT OR IGNORE INTO pipelines (id, name, created_at) VALUES (?, ?, '2030-01-01')").run(`${name}-pid`, name);
      return (db.prepare("SELECT id FROM pipelines WHERE name = ?").get(name) as { id: string }).id;
    });
    const insert = db.prepare(
      `INSERT INTO runs (id, name, pipeline_id, status, stack_json, stack_name, runtime_json, parameters_json, enable_cache, started_at, zen_version)
       VALUES (?, ?, ?, ?, ?, ?, '{}', '{}', 1, '2030-01-01', '0')`,
    );
    db.transaction(() => {
      for (let i = 0; i < 9_999; i++) {
        const stack = i % 3 === 0 ? "gpu" : "local";
        insert.run(`r${i}`, `run-${i}`, pipelines[i % 4], i % 10 === 0 ? "failed" : "completed", JSON.stringify({ name: stack, components: {} }), stack);
      }
    })();
    db.close();
    const timed = async (query: RunPageQuery) => {
      const start = performance.now();
      const page = await store.queryRuns(query);
      return { page, ms: performance.now() - start };
    };
    await timed({ limit: 50 });
    const all = await timed({ limit: 50 });
    expect(all.page).toMatchObject({ total: 10_000, hasOlder: true, hasNewer: false });
    const deep = await timed({ limit: 50, before: "r100" });
    expect(deep.page.runs[0]!.id).toBe("r99");
    const filtered = await timed({ pipelineName: "p2", status: "failed", stackName: "gpu", limit: 50 });
    // i ≡ 2 (mod 4), ≡ 0 (mod 10) and ≡ 0 (mod 3): i ≡ 30 (mod 60), below 9,999.
    expect(filtered.page.total).toBe(Math.ceil((9_999 - 30) / 60));
    expect(filtered.page.runs.every((r) => r.pipelineName === "p2" && r.status === "failed" && r.stack.name === "gpu")).toBe(true);
    // `pnpm bench` measures the real figure; this only catches a full scan gone quadratic.
    for (const { ms } of [all, deep, filtered]) expect(ms).toBeLessThan(500);
    await store.close();
  }, 60_000);
});
