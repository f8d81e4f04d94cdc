/** Shared helpers of the SQLite metadata store tests: stores on a file (at the latest or an older schema version), run records. */
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { SqliteMetadataStore, type NewRunRecord } from "../src/index.ts";
import { MIGRATIONS } from "../src/builtins/sqlite-schema.ts";

/** better-sqlite3 itself, to read or change a store's file behind its back. */
export const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;

export function openStore(uri: string, Store: typeof SqliteMetadataStore = SqliteMetadataStore): SqliteMetadataStore {
  return new Store({ id: "m", name: "meta", flavor: "sqlite", config: { uri }, configDir: path.dirname(uri) });
}

/** A store that knows only the first `version` migrations: what an older zen opened `uri` with. */
export function openOlderStore(uri: string, version: number): SqliteMetadataStore {
  class OlderStore extends SqliteMetadataStore {
    static override migrations = MIGRATIONS.slice(0, version);
  }
  return openStore(uri, OlderStore);
}

/** Writes pipeline `p` and one run of it straight into the database at `uri`, as an older zen recorded them. */
export function insertRawRun(uri: string, run: { id: string; name: string; status: string; stackJson: string }): void {
  const raw = new Database(uri);
  raw.prepare("INSERT INTO pipelines (id, name, created_at) VALUES ('p1', 'p', '2026-01-01')").run();
  raw
    .prepare(
      `INSERT INTO runs (id, name, pipeline_id, status, stack_json, runtime_json, parameters_json, enable_cache, started_at, zen_version)
       VALUES (?, ?, 'p1', ?, ?, '{}', '{}', 1, '2026-01-01', '0')`,
    )
    .run(run.id, run.name, run.status, run.stackJson);
  raw.close();
}

/** A run of `pipelineName` on stack `stackName` with no steps, its id `<name>-id`. */
export function newRunRecord(name: string, pipelineName: string, stackName = "local"): NewRunRecord {
  return {
    id: `${name}-id`,
    name,
    pipelineName,
    stack: { name: stackName, components: {} },
    runtimeConfiguration: {},
    parameters: {},
    enableCache: false,
    startedAt: new Date().toISOString(),
    zenVersion: "0",
    steps: [],
  };
}
