/**
 * The SQLite metadata store's schema, as numbered migrations. The database's `user_version` is the
 * number of the last migration applied; a database from a newer zen is refused, never altered.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "pipelines, runs, steps, artifacts and lineage",
    sql: `
      CREATE TABLE pipelines (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL
      );

      -- seq orders runs by start (also across processes); latest run = highest seq.
      CREATE TABLE runs (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        name            TEXT NOT NULL UNIQUE,
        pipeline_id     TEXT NOT NULL REFERENCES pipelines(id),
        status          TEXT NOT NULL,
        stack_json      TEXT NOT NULL,
        runtime_json    TEXT NOT NULL,
        parameters_json TEXT NOT NULL,
        enable_cache    INTEGER NOT NULL,
        started_at      TEXT NOT NULL,
        ended_at        TEXT,
        duration_ms     REAL,
        error           TEXT,
        zen_version     TEXT NOT NULL
      );
      CREATE INDEX runs_by_pipeline ON runs(pipeline_id, seq);
      CREATE INDEX runs_by_status ON runs(status);

      CREATE TABLE steps (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        run_id          TEXT NOT NULL REFERENCES runs(id),
        pipeline_id     TEXT NOT NULL REFERENCES pipelines(id),
        position        INTEGER NOT NULL,
        name            TEXT NOT NULL,
        step_name       TEXT NOT NULL,
        status          TEXT NOT NULL,
        cache_reason    TEXT,
        cache_key       TEXT,
        code_hash       TEXT,
        parameters_json TEXT NOT NULL,
        upstream_json   TEXT NOT NULL,
        started_at      TEXT,
        ended_at        TEXT,
        duration_ms     REAL,
        error           TEXT,
        UNIQUE (run_id, name)
      );
      CREATE INDEX steps_by_run ON steps(run_id, position);
      -- cache lookups: same pipeline, step and cache key, newest first
      CREATE INDEX steps_by_cache_key ON steps(pipeline_id, name, cache_key, status);
      -- last successful execution of a step (to say why it was not cached)
      CREATE INDEX steps_by_name ON steps(pipeline_id, name, status);

      CREATE TABLE artifacts (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        uri               TEXT NOT NULL,
        materializer      TEXT NOT NULL,
        data_type         TEXT NOT NULL,
        content_hash      TEXT NOT NULL,
        producer_step_id  TEXT NOT NULL REFERENCES steps(id),
        artifact_store_id TEXT NOT NULL,
        created_at        TEXT NOT NULL
      );
      CREATE INDEX artifacts_by_producer ON artifacts(producer_step_id);
      CREATE INDEX artifacts_by_hash ON artifacts(content_hash);

      -- lineage: which artifacts each step read and returned (a cached step returns earlier artifacts)
      CREATE TABLE step_inputs (
        step_id     TEXT NOT NULL REFERENCES steps(id),
        name        TEXT NOT NULL,
        artifact_id TEXT NOT NULL REFERENCES artifacts(id),
        PRIMARY KEY (step_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX step_inputs_by_artifact ON step_inputs(artifact_id);

      CREATE TABLE step_outputs (
        step_id     TEXT NOT NULL REFERENCES steps(id),
        name        TEXT NOT NULL,
        artifact_id TEXT NOT NULL REFERENCES artifacts(id),
        PRIMARY KEY (step_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX step_outputs_by_artifact ON step_outputs(artifact_id);
    `,
  },
  {
    version: 2,
    description: "the process that owns a run, so a run whose process died shows as crashed",
    sql: `ALTER TABLE runs ADD COLUMN owner_json TEXT;`,
  },
  {
    version: 3,
    description: "runs listed by stack and by status, newest first, by index",
    sql: `
      ALTER TABLE runs ADD COLUMN stack_name TEXT;
      UPDATE runs SET stack_name = json_extract(stack_json, '$.name');
      CREATE INDEX runs_by_stack ON runs(stack_name, seq);
      DROP INDEX runs_by_status;
      CREATE INDEX runs_by_status ON runs(status, seq);
    `,
  },
  {
    version: 4,
    description: "pages of a run in the stack's services (e.g. the experiment tracker's run), by component type",
    sql: `ALTER TABLE runs ADD COLUMN links_json TEXT;`,
  },
];
