/**
 * The `sqlite` metadata store: one SQLite file (opened and migrated by `sqlite-metadata-database.ts`).
 * The database opens on first use, so loading a stack does no I/O.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type BetterSqlite3 from "better-sqlite3";
import { BaseMetadataStore } from "../components/metadata-store.ts";
import { ConflictError } from "../errors.ts";
import { currentProcessOwner } from "../fs/process-alive.ts";
import type {
  ArtifactRecord,
  NewRunRecord,
  PipelineRecord,
  RunCompletion,
  RunQuery,
  RunRecord,
  StepArtifactLink,
  StepCompletion,
  StepExecution,
  StepRecord,
} from "../components/run-records.ts";
import { databasePathOf, openMetadataDatabase } from "./sqlite-metadata-database.ts";
import { crashReason, damagedMetadata, toArtifact, toPipeline, toRun, toStep, sqliteRunStatus, type Row } from "./sqlite-metadata-rows.ts";
import { MIGRATIONS, type Migration } from "./sqlite-schema.ts";
import { checkRunPageQuery, type RunPage, type RunPageQuery } from "../components/run-page.ts";
import { queryRunPage } from "../components/run-page-sql.ts";

export interface SqliteMetadataStoreConfig extends Record<string, unknown> {
  /** A local path (or `sqlite:///path`, `file:///path`) to the database file. */
  uri: string;
}

/** SQLite's host-parameter limit is far higher; this keeps statements small. */
const CHUNK = 500;

export class SqliteMetadataStore extends BaseMetadataStore<SqliteMetadataStoreConfig> {
  /** Overridable in tests of the migration mechanism. */
  static migrations: readonly Migration[] = MIGRATIONS;

  #db: BetterSqlite3.Database | undefined;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  /** The database file. */
  get databasePath(): string {
    return databasePathOf(this.config.uri);
  }

  // ── connection and migrations ─────────────────────────────────────────────

  private get db(): BetterSqlite3.Database {
    this.#db ??= openMetadataDatabase(this.databasePath, (this.constructor as typeof SqliteMetadataStore).migrations);
    return this.#db;
  }

  /**
   * Runs a query; with no database file yet there is nothing recorded, so `empty` is returned and no
   * file is created (listing runs from anywhere must not leave a database behind).
   */
  private query<T>(empty: T, run: () => T): T {
    if (!this.#db && !fs.existsSync(this.databasePath)) return empty;
    try {
      return run();
    } catch (error) {
      throw damagedMetadata(this.databasePath, error);
    }
  }

  /** The schema version of the database (opens it). */
  schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  override async close(): Promise<void> {
    this.#statements.clear();
    this.#db?.close();
    this.#db = undefined;
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      try {
        statement = this.db.prepare(sql);
      } catch (error) {
        throw damagedMetadata(this.databasePath, error);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // ── recording ─────────────────────────────────────────────────────────────

  async createRun(run: NewRunRecord): Promise<RunRecord> {
    const insert = this.db.transaction(() => {
      this.statement("INSERT INTO pipelines (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING").run(
        randomUUID(),
        run.pipelineName,
        run.startedAt,
      );
      const pipelineId = (this.statement("SELECT id FROM pipelines WHERE name = ?").get(run.pipelineName) as Row).id as string;
      if (this.statement("SELECT 1 FROM runs WHERE name = ?").get(run.name)) {
        throw new ConflictError(`Pipeline run with name '${run.name}' already exists.`, {
          hint: "Run names are unique across all pipelines: choose another --run-name, or leave it out for a generated one.",
        });
      }
      this.statement(
        `INSERT INTO runs (id, name, pipeline_id, status, stack_json, stack_name, runtime_json, parameters_json, enable_cache,
                           started_at, zen_version, owner_json)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        run.id,
        run.name,
        pipelineId,
        JSON.stringify(run.stack),
        run.stack.name,
        JSON.stringify(run.runtimeConfiguration),
        JSON.stringify(run.parameters),
        run.enableCache ? 1 : 0,
        run.startedAt,
        run.zenVersion,
        // The process recording the run executes it: if it dies, readers show the run as crashed.
        JSON.stringify(currentProcessOwner()),
      );
      const insertStep = this.statement(
        `INSERT INTO steps (id, run_id, pipeline_id, position, name, step_name, status, parameters_json, upstream_json)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      );
      run.steps.forEach((step, position) => {
        insertStep.run(step.id, run.id, pipelineId, position, step.name, step.stepName, JSON.stringify(step.parameters), JSON.stringify(step.upstream));
      });
    });
    insert.immediate();
    return (await this.getRun(run.id))!;
  }

  async markStepRunning(stepId: string, startedAt: string): Promise<boolean> {
    return this.statement("UPDATE steps SET status = 'running', started_at = ? WHERE id = ? AND status = 'pending'").run(startedAt, stepId).changes === 1;
  }

  async completeStep(c: StepCompletion): Promise<boolean> {
    const write = this.db.transaction(() => {
      const updated = this.statement(
        `UPDATE steps SET status = ?, cache_reason = ?, cache_key = ?, code_hash = ?, started_at = ?, ended_at = ?, duration_ms = ?, error = ?
         WHERE id = ? AND status IN ('pending', 'running')`,
      ).run(c.status, c.cacheReason ?? null, c.cacheKey ?? null, c.codeHash ?? null, c.startedAt, c.endedAt, c.durationMs, c.error ?? null, c.stepId);
      if (updated.changes !== 1) return false;
      const insertArtifact = this.statement(
        `INSERT INTO artifacts (id, name, uri, materializer, data_type, content_hash, producer_step_id, artifact_store_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const a of c.newArtifacts) {
        insertArtifact.run(a.id, a.name, a.uri, a.materializer, a.dataType, a.contentHash, a.producerStepId, a.artifactStoreId, a.createdAt);
      }
      const insertInput = this.statement("INSERT INTO step_inputs (step_id, name, artifact_id) VALUES (?, ?, ?)");
      for (const link of c.inputs) insertInput.run(c.stepId, link.name, link.artifactId);
      const insertOutput = this.statement("INSERT INTO step_outputs (step_id, name, artifact_id) VALUES (?, ?, ?)");
      for (const link of c.outputs) insertOutput.run(c.stepId, link.name, link.artifactId);
      return true;
    });
    return write.immediate() as boolean;
  }

  async finishRun(runId: string, c: RunCompletion): Promise<void> {
    this.db
      .transaction(() => {
        this.statement("UPDATE runs SET status = ?, ended_at = ?, duration_ms = ?, error = ? WHERE id = ?").run(
          c.status,
          c.endedAt,
          c.durationMs,
          c.error ?? null,
          runId,
        );
        this.statement("UPDATE steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'pending'").run(c.unfinishedSteps.pending, c.endedAt, runId);
        this.statement("UPDATE steps SET status = ?, ended_at = ?, error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running'").run(
          c.unfinishedSteps.running,
          c.endedAt,
          c.status === "cancelled" ? "cancelled while running" : "the run ended while the step was running",
          runId,
        );
      })
      .immediate();
  }

  override async releaseRun(runId: string): Promise<void> {
    this.statement("UPDATE runs SET owner_json = NULL WHERE id = ? AND status = 'running'").run(runId);
  }

  override async addRunLinks(runId: string, links: Record<string, string>): Promise<void> {
    this.statement("UPDATE runs SET links_json = json_patch(COALESCE(links_json, '{}'), ?) WHERE id = ?").run(JSON.stringify(links), runId);
  }

  // ── cache ─────────────────────────────────────────────────────────────────

  async findCachedExecution(q: { pipelineName: string; stepName: string; cacheKey: string; artifactStoreId: string }): Promise<StepExecution | undefined> {
    return this.query(undefined, () => {
      const row = this.statement(
        `SELECT s.*, r.name AS run_name FROM steps s
         JOIN runs r ON r.id = s.run_id
         WHERE s.pipeline_id = (SELECT id FROM pipelines WHERE name = ?) AND s.name = ? AND s.cache_key = ? AND s.status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM step_outputs o JOIN artifacts a ON a.id = o.artifact_id WHERE o.step_id = s.id AND a.artifact_store_id <> ?)
         ORDER BY s.seq DESC LIMIT 1`,
      ).get(q.pipelineName, q.stepName, q.cacheKey, q.artifactStoreId) as Row | undefined;
      return row ? this.execution(row) : undefined;
    });
  }

  async latestExecution(q: { pipelineName: string; stepName: string }): Promise<StepExecution | undefined> {
    return this.query(undefined, () => {
      const row = this.statement(
        `SELECT s.*, r.name AS run_name FROM steps s
         JOIN runs r ON r.id = s.run_id
         WHERE s.pipeline_id = (SELECT id FROM pipelines WHERE name = ?) AND s.name = ? AND s.status IN ('completed', 'cached')
         ORDER BY s.seq DESC LIMIT 1`,
      ).get(q.pipelineName, q.stepName) as Row | undefined;
      return row ? this.execution(row) : undefined;
    });
  }

  private execution(row: Row): StepExecution {
    const step = toStep(row);
    const linked = (table: "step_inputs" | "step_outputs") => {
      const rows = this.statement(`SELECT l.name AS link_name, a.* FROM ${table} l JOIN artifacts a ON a.id = l.artifact_id WHERE l.step_id = ?`).all(
        step.id,
      ) as Row[];
      return Object.fromEntries(rows.map((r) => [r.link_name as string, toArtifact(r)]));
    };
    return { step, runName: row.run_name as string, inputs: linked("step_inputs"), outputs: linked("step_outputs") };
  }

  // ── queries ───────────────────────────────────────────────────────────────
  // A run still `running` whose process is gone is shown as failed (crashed), computed on every
  // read: reading never writes, and the answer is right even if nobody opens the store for writing.

  async listPipelines(): Promise<PipelineRecord[]> {
    return this.query([], () => {
      const rows = this.statement(
        `SELECT p.id, p.name, p.created_at, COUNT(r.seq) AS run_count, MAX(r.started_at) AS last_run_at
         FROM pipelines p LEFT JOIN runs r ON r.pipeline_id = p.id GROUP BY p.id ORDER BY p.name`,
      ).all() as Row[];
      return rows.map(toPipeline);
    });
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    return this.query(undefined, () => {
      const row = this.statement(
        `SELECT p.id, p.name, p.created_at,
           (SELECT COUNT(*) FROM runs r WHERE r.pipeline_id = p.id) AS run_count,
           (SELECT r.started_at FROM runs r WHERE r.pipeline_id = p.id ORDER BY r.seq DESC LIMIT 1) AS last_run_at
         FROM pipelines p WHERE p.name = ?`,
      ).get(name) as Row | undefined;
      return row ? toPipeline(row) : undefined;
    });
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    const limit = query.limit ?? -1;
    const offset = query.offset ?? 0;
    return this.query([], () => {
      const rows = (
        query.pipelineName === undefined
          ? this.statement(`${RUN_SELECT} ORDER BY r.seq DESC LIMIT ? OFFSET ?`).all(limit, offset)
          : this.statement(`${RUN_SELECT} WHERE r.pipeline_id = (SELECT id FROM pipelines WHERE name = ?) ORDER BY r.seq DESC LIMIT ? OFFSET ?`).all(
              query.pipelineName,
              limit,
              offset,
            )
      ) as Row[];
      return rows.map(toRun);
    });
  }

  async countRuns(pipelineName?: string): Promise<number> {
    return this.query(0, () => {
      const row = (
        pipelineName === undefined
          ? this.statement("SELECT COUNT(*) AS n FROM runs").get()
          : this.statement("SELECT COUNT(*) AS n FROM runs WHERE pipeline_id = (SELECT id FROM pipelines WHERE name = ?)").get(pipelineName)
      ) as Row;
      return row.n as number;
    });
  }

  override async queryRuns(query: RunPageQuery): Promise<RunPage> {
    checkRunPageQuery(query);
    if (!this.#db && !fs.existsSync(this.databasePath)) return { runs: [], total: 0, hasOlder: false, hasNewer: false };
    try {
      return await queryRunPage(query, {
        select: RUN_SELECT,
        runs: "runs",
        pipelines: "pipelines",
        stackName: "r.stack_name",
        status: sqliteRunStatus,
        query: (sql, params) => this.statement(sql).all(...params) as Row[],
        toRun,
      });
    } catch (error) {
      throw damagedMetadata(this.databasePath, error);
    }
  }

  async getRun(nameOrId: string): Promise<RunRecord | undefined> {
    return this.query(undefined, () => {
      const row = (this.statement(`${RUN_SELECT} WHERE r.id = ?`).get(nameOrId) ?? this.statement(`${RUN_SELECT} WHERE r.name = ?`).get(nameOrId)) as
        | Row
        | undefined;
      return row ? toRun(row) : undefined;
    });
  }

  async listSteps(runIds: readonly string[]): Promise<StepRecord[]> {
    return this.query([], () => {
      const crashed = new Map<string, string>();
      for (const row of this.chunked(runIds, (marks) => `SELECT id, status, owner_json FROM runs WHERE id IN (${marks}) AND status = 'running'`)) {
        const reason = crashReason(row);
        if (reason !== undefined) crashed.set(row.id as string, reason);
      }
      return this.chunked(runIds, (marks) => `SELECT * FROM steps WHERE run_id IN (${marks}) ORDER BY run_id, position`).map((row) => {
        const step = toStep(row);
        const reason = crashed.get(step.runId);
        if (reason === undefined) return step;
        if (step.status === "running") return { ...step, status: "failed", error: step.error ?? `the run crashed: ${reason}` };
        if (step.status === "pending") return { ...step, status: "skipped" };
        return step;
      });
    });
  }

  async listStepLinks(stepIds: readonly string[]): Promise<{ inputs: StepArtifactLink[]; outputs: StepArtifactLink[] }> {
    const link = (r: Row): StepArtifactLink => ({ stepId: r.step_id as string, name: r.name as string, artifactId: r.artifact_id as string });
    return this.query({ inputs: [], outputs: [] }, () => ({
      inputs: this.chunked(stepIds, (marks) => `SELECT * FROM step_inputs WHERE step_id IN (${marks})`).map(link),
      outputs: this.chunked(stepIds, (marks) => `SELECT * FROM step_outputs WHERE step_id IN (${marks})`).map(link),
    }));
  }

  async getArtifacts(ids: readonly string[]): Promise<ArtifactRecord[]> {
    return this.query([], () => this.chunked(ids, (marks) => `SELECT * FROM artifacts WHERE id IN (${marks})`).map(toArtifact));
  }

  async listConsumers(artifactId: string): Promise<StepArtifactLink[]> {
    return this.query([], () => {
      const rows = this.statement("SELECT * FROM step_inputs WHERE artifact_id = ?").all(artifactId) as Row[];
      return rows.map((r) => ({ stepId: r.step_id as string, name: r.name as string, artifactId: r.artifact_id as string }));
    });
  }

  private chunked(ids: readonly string[], sql: (marks: string) => string): Row[] {
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      rows.push(...(this.statement(sql(part.map(() => "?").join(","))).all(...part) as Row[]));
    }
    return rows;
  }
}

const RUN_SELECT = "SELECT r.*, p.name AS pipeline_name FROM runs r JOIN pipelines p ON p.id = r.pipeline_id";
