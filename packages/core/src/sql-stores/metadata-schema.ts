/**
 * The metadata store's schema on MySQL/MariaDB and PostgreSQL: the same tables as the SQLite store,
 * with VARCHAR keys (MySQL cannot index TEXT) sized so every index fits InnoDB's 3072-byte limit in utf8mb4.
 */
import type { SqlMigration } from "./schema-migrations.ts";

export const METADATA_STORE = "metadata";

export const METADATA_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    description: "pipelines, runs, steps, artifacts and lineage",
    statements: (d) => [
      `CREATE TABLE zen_pipelines (
        id          VARCHAR(64) NOT NULL PRIMARY KEY,
        name        VARCHAR(255) NOT NULL UNIQUE,
        created_at  VARCHAR(40) NOT NULL
      )`,
      // seq orders runs by start (also across machines); latest run = highest seq.
      `CREATE TABLE zen_runs (
        seq             ${d.serial},
        id              VARCHAR(64) NOT NULL UNIQUE,
        name            VARCHAR(255) NOT NULL UNIQUE,
        pipeline_id     VARCHAR(64) NOT NULL REFERENCES zen_pipelines(id),
        status          VARCHAR(20) NOT NULL,
        stack_json      ${d.text} NOT NULL,
        runtime_json    ${d.text} NOT NULL,
        parameters_json ${d.text} NOT NULL,
        enable_cache    INTEGER NOT NULL,
        started_at      VARCHAR(40) NOT NULL,
        ended_at        VARCHAR(40),
        duration_ms     DOUBLE PRECISION,
        error           ${d.text},
        zen_version     VARCHAR(64) NOT NULL
      )`,
      "CREATE INDEX zen_runs_by_pipeline ON zen_runs(pipeline_id, seq)",
      "CREATE INDEX zen_runs_by_status ON zen_runs(status)",
      `CREATE TABLE zen_steps (
        seq             ${d.serial},
        id              VARCHAR(64) NOT NULL UNIQUE,
        run_id          VARCHAR(64) NOT NULL REFERENCES zen_runs(id),
        pipeline_id     VARCHAR(64) NOT NULL REFERENCES zen_pipelines(id),
        position        INTEGER NOT NULL,
        name            VARCHAR(255) NOT NULL,
        step_name       VARCHAR(255) NOT NULL,
        status          VARCHAR(20) NOT NULL,
        cache_reason    ${d.text},
        cache_key       VARCHAR(191),
        code_hash       VARCHAR(191),
        parameters_json ${d.text} NOT NULL,
        upstream_json   ${d.text} NOT NULL,
        started_at      VARCHAR(40),
        ended_at        VARCHAR(40),
        duration_ms     DOUBLE PRECISION,
        error           ${d.text},
        UNIQUE (run_id, name)
      )`,
      "CREATE INDEX zen_steps_by_run ON zen_steps(run_id, position)",
      // cache lookups: same pipeline, step and cache key, newest first
      "CREATE INDEX zen_steps_by_cache_key ON zen_steps(pipeline_id, name, cache_key, status)",
      // last successful execution of a step (to say why it was not cached)
      "CREATE INDEX zen_steps_by_name ON zen_steps(pipeline_id, name, status)",
      `CREATE TABLE zen_artifacts (
        id                VARCHAR(64) NOT NULL PRIMARY KEY,
        name              VARCHAR(255) NOT NULL,
        uri               ${d.text} NOT NULL,
        materializer      VARCHAR(255) NOT NULL,
        data_type         VARCHAR(255) NOT NULL,
        content_hash      VARCHAR(191) NOT NULL,
        producer_step_id  VARCHAR(64) NOT NULL REFERENCES zen_steps(id),
        artifact_store_id VARCHAR(255) NOT NULL,
        created_at        VARCHAR(40) NOT NULL
      )`,
      "CREATE INDEX zen_artifacts_by_producer ON zen_artifacts(producer_step_id)",
      "CREATE INDEX zen_artifacts_by_hash ON zen_artifacts(content_hash)",
      // lineage: which artifacts each step read and returned (a cached step returns earlier artifacts)
      ...["zen_step_inputs", "zen_step_outputs"].flatMap((table) => [
        `CREATE TABLE ${table} (
          step_id     VARCHAR(64) NOT NULL REFERENCES zen_steps(id),
          name        VARCHAR(255) NOT NULL,
          artifact_id VARCHAR(64) NOT NULL REFERENCES zen_artifacts(id),
          PRIMARY KEY (step_id, name)
        )`,
        `CREATE INDEX ${table}_by_artifact ON ${table}(artifact_id)`,
      ]),
    ],
  },
  {
    version: 2,
    description: "the process recording a run (crashed runs), links of a run to other tools",
    statements: (d) => [
      // pid, host, boot id and start time: a reader on the same host shows the run as crashed once that process is gone.
      `ALTER TABLE zen_runs ADD owner_json ${d.text}`,
      `ALTER TABLE zen_runs ADD links_json ${d.text}`,
    ],
  },
];
