import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import type { SqliteMetadataStore } from "../src/index.ts";
import { MIGRATIONS } from "../src/builtins/sqlite-schema.ts";
import { runScript } from "./pipeline-helpers.ts";
import { Database, newRunRecord, openOlderStore, openStore } from "./sqlite-metadata-helpers.ts";

const FIXTURES = new URL("./fixtures/metadata/", import.meta.url).pathname;

async function recordOneRun(file: string): Promise<void> {
  const store = openStore(file);
  await recordOneRunIn(store);
  await store.close();
}

async function recordOneRunIn(store: SqliteMetadataStore): Promise<void> {
  await store.createRun(newRunRecord("r", "p", "s"));
}

describe("a run whose process died", () => {
  it("is shown as failed (crashed) with the reason by the next reader, its unfinished steps settled", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    let pid = 0;
    const result = await runScript(path.join(FIXTURES, "start-run-and-hang.ts"), [file], {
      onStdout: (text, child) => {
        if (text.includes("started")) {
          pid = child.pid!;
          child.kill("SIGKILL");
        }
      },
    });
    expect(result.code).toBeNull();
    const store = openStore(file);
    const run = await store.getRun("killed");
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining(`crashed: process ${pid} on `) });
    expect((await store.listRuns({}))[0]).toMatchObject({ name: "killed", status: "failed" });
    const steps = await store.listSteps([run!.id]);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "failed"],
      ["b", "skipped"],
    ]);
    expect(steps[0]!.error).toContain(`process ${pid}`);
    await store.close();
  }, 60_000);

  it("a run of a live process stays running", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    await recordOneRun(file);
    expect((await openStore(file).getRun("r"))?.status).toBe("running");
  });
});

describe("a damaged metadata database is named, with what to do", () => {
  it("a file that is not a database: an error naming it, its bytes unchanged", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    const garbage = "this is not a database ".repeat(200);
    writeFileSync(file, garbage);
    const store = openStore(file);
    await expect(store.listRuns({})).rejects.toMatchObject({
      code: "ZEN_METADATA_DAMAGED",
      message: expect.stringContaining(file),
      hint: expect.stringContaining(`mv '${file}'`),
    });
    expect(readFileSync(file, "utf8")).toBe(garbage);
  });

  it("an empty (truncated) file: an error naming it, never a fresh schema written into it", async () => {
    const dir = makeTempDir("zen-meta-");
    const file = path.join(dir, "metadata.db");
    writeFileSync(file, "");
    for (const use of [(s: SqliteMetadataStore) => s.listRuns({}), (s: SqliteMetadataStore) => recordOneRunIn(s)]) {
      await expect(use(openStore(file))).rejects.toMatchObject({
        code: "ZEN_METADATA_DAMAGED",
        message: expect.stringMatching(/metadata\.db' is empty \(0 bytes\)/),
        hint: expect.stringContaining(`rm '${file}'`),
      });
    }
    expect(statSync(file).size).toBe(0);
    expect(readdirSync(dir)).toEqual(["metadata.db"]);
  });

  it("a missing file is created complete on first use (several stores on one file), no temp left behind", async () => {
    const dir = makeTempDir("zen-meta-");
    const file = path.join(dir, "metadata.db");
    const stores = Array.from({ length: 4 }, () => openStore(file));
    stores.forEach((s) => s.schemaVersion());
    expect(stores.map((s) => s.schemaVersion())).toEqual(stores.map(() => MIGRATIONS.at(-1)!.version));
    await Promise.all(stores.map((s) => s.close()));
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it("a table missing: an error naming the file", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    await recordOneRun(file);
    const db = new Database(file);
    db.exec("DROP TABLE step_outputs");
    db.close();
    const store = openStore(file);
    await expect(store.listStepLinks(["x"])).rejects.toMatchObject({
      code: "ZEN_METADATA_DAMAGED",
      message: expect.stringMatching(/metadata\.db' is damaged: no such table: step_outputs/),
    });
  });

  it("corrupt pages: an error naming the file", async () => {
    const file = path.join(makeTempDir("zen-meta-"), "metadata.db");
    await recordOneRun(file);
    const bytes = readFileSync(file);
    bytes.fill(0xff, 1024 * 2, bytes.length); // keep the header, wreck the pages
    writeFileSync(file, bytes);
    await expect(openStore(file).listRuns({})).rejects.toMatchObject({ code: "ZEN_METADATA_DAMAGED", message: expect.stringContaining(file) });
  });
});

describe("files of the metadata store are private", () => {
  it("creates metadata.db 0600, tightens an existing 0644 one, and keeps migration backups 0600", async () => {
    const dir = makeTempDir("zen-meta-");
    const file = path.join(dir, "metadata.db");
    const v1 = openOlderStore(file, 1);
    v1.schemaVersion();
    await v1.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    const store = openStore(file);
    store.schemaVersion(); // migrates, keeping a backup
    await store.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const backups = readdirSync(dir).filter((f) => f.endsWith(".bak"));
    expect(backups).toHaveLength(1);
    expect(statSync(path.join(dir, backups[0]!)).mode & 0o777).toBe(0o600);
  });
});
