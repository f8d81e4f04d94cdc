/**
 * A metadata store on a database server (MySQL/MariaDB, PostgreSQL): the `BaseMetadataStore`
 * contract over a `SqlClient`. A driver package subclasses it and opens its client in `connect()`.
 * The connection opens and the schema is checked (migrated under a lock) on first use, so loading a
 * stack does no network I/O.
 */
import { randomUUID } from "node:crypto";
import { BaseMetadataStore } from "../components/metadata-store.ts";
import { ConflictError } from "../errors.ts";
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
import { METADATA_MIGRATIONS, METADATA_STORE } from "./metadata-schema.ts";
import { toArtifact, toLink, toPipeline, toRun, toStep } from "./metadata-rows.ts";
import { migrateSchema, schemaVersionOf, type SqlMigration } from "./schema-migrations.ts";
import { DIALECTS, type Row, type SqlClient, type SqlConnection } from "./sql-client.ts";

/** Keeps IN (…) lists well under every server's parameter limit. */
const CHUNK = 500;
/** LIMIT for "no limit": both dialects accept a large number. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const RUN_SELECT = "SELECT r.*, p.name AS pipeline_name FROM zen_runs r JOIN zen_pipelines p ON p.id = r.pipeline_id";

export abstract class SqlMetadataStore<Config = Record<string, unknown>> extends BaseMetadataStore<Config> {
  /** Overridable in tests of the migration mechanism. */
  static migrations: readonly SqlMigration[] = METADATA_MIGRATIONS;

  #client: Promise<SqlClient> | undefined;

  /** Opens a client to the configured server (no query needed yet). */
  protected abstract connect(): Promise<SqlClient>;

  /** The client, connected and migrated on first use; a failed attempt is retried on the next call. */
  protected client(): Promise<SqlClient> {
    if (!this.#client) {
      const migrations = (this.constructor as typeof SqlMetadataStore).migrations;
      this.#client = (async () => {
        const client = await this.connect();
        try {
          await migrateSchema(client, { store: METADATA_STORE, migrations });
        } catch (error) {
          await client.close().catch(() => undefined);
          throw error;
        }
        return client;
      })();
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  /** The schema version of the database (connects, migrating if needed). */
  async schemaVersion(): Promise<number> {
    return schemaVersionOf(await this.client(), METADATA_STORE);
  }

  override async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  }

  // ── recording ─────────────────────────────────────────────────────────────

  async createRun(run: NewRunRecord): Promise<RunRecord> {
    const client = await this.client();
    const dialect = DIALECTS[client.dialect];
    try {
      await client.transaction(async (tx) => {
        await tx.execute(dialect.insertIgnore("zen_pipelines", ["id", "name", "created_at"], ["name"]), [randomUUID(), run.pipelineName, run.startedAt]);
        const pipelineId = (await tx.query("SELECT id FROM zen_pipelines WHERE name = ?", [run.pipelineName]))[0]!.id as string;
        if ((await tx.query("SELECT 1 AS found FROM zen_runs WHERE name = ?", [run.name])).length > 0) throw runExists(run.name);
        await tx.execute(
          `INSERT INTO zen_runs (id, name, pipeline_id, status, stack_json, runtime_json, parameters_json, enable_cache, started_at, zen_version)
           VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
          [
            run.id,
            run.name,
            pipelineId,
            JSON.stringify(run.stack),
            JSON.stringify(run.runtimeConfiguration),
            JSON.stringify(run.parameters),
            run.enableCache ? 1 : 0,
            run.startedAt,
            run.zenVersion,
          ],
        );
        // One multi-row INSERT: a 1,000-step run is one round trip, not a thousand.
        for (let i = 0; i < run.steps.length; i += CHUNK) {
          const part = run.steps.slice(i, i + CHUNK);
          await tx.execute(
            `INSERT INTO zen_steps (id, run_id, pipeline_id, position, name, step_name, status, parameters_json, upstream_json)
             VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, 'pending', ?, ?)").join(", ")}`,
            part.flatMap((step, j) => [
              step.id,
              run.id,
              pipelineId,
              i + j,
              step.name,
              step.stepName,
              JSON.stringify(step.parameters),
              JSON.stringify(step.upstream),
            ]),
          );
        }
      });
    } catch (error) {
      // Two machines starting a run of the same name at once: the unique key decides.
      if (client.isUniqueViolation(error)) throw runExists(run.name);
      throw error;
    }
    return (await this.getRun(run.id))!;
  }

  async markStepRunning(stepId: string, startedAt: string): Promise<boolean> {
    const client = await this.client();
    return (await client.execute("UPDATE zen_steps SET status = 'running', started_at = ? WHERE id = ? AND status = 'pending'", [startedAt, stepId])) === 1;
  }

  async completeStep(c: StepCompletion): Promise<boolean> {
    const client = await this.client();
    return client.transaction(async (tx) => {
      const updated = await tx.execute(
        `UPDATE zen_steps SET status = ?, cache_reason = ?, cache_key = ?, code_hash = ?, started_at = ?, ended_at = ?, duration_ms = ?, error = ?
         WHERE id = ? AND status IN ('pending', 'running')`,
        [c.status, c.cacheReason ?? null, c.cacheKey ?? null, c.codeHash ?? null, c.startedAt, c.endedAt, c.durationMs, c.error ?? null, c.stepId],
      );
      if (updated !== 1) return false;
      if (c.newArtifacts.length > 0) {
        await tx.execute(
          `INSERT INTO zen_artifacts (id, name, uri, materializer, data_type, content_hash, producer_step_id, artifact_store_id, created_at)
           VALUES ${c.newArtifacts.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
          c.newArtifacts.flatMap((a) => [a.id, a.name, a.uri, a.materializer, a.dataType, a.contentHash, a.producerStepId, a.artifactStoreId, a.createdAt]),
        );
      }
      await insertLinks(tx, "zen_step_inputs", c.stepId, c.inputs);
      await insertLinks(tx, "zen_step_outputs", c.stepId, c.outputs);
      return true;
    });
  }

  async finishRun(runId: string, c: RunCompletion): Promise<void> {
    const client = await this.client();
    await client.transaction(async (tx) => {
      await tx.execute("UPDATE zen_runs SET status = ?, ended_at = ?, duration_ms = ?, error = ? WHERE id = ?", [
        c.status,
        c.endedAt,
        c.durationMs,
        c.error ?? null,
        runId,
      ]);
      await tx.execute("UPDATE zen_steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'pending'", [c.unfinishedSteps.pending, c.endedAt, runId]);
      await tx.execute("UPDATE zen_steps SET status = ?, ended_at = ?, error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running'", [
        c.unfinishedSteps.running,
        c.endedAt,
        c.status === "cancelled" ? "cancelled while running" : "the run ended while the step was running",
        runId,
      ]);
    });
  }

  // ── cache ─────────────────────────────────────────────────────────────────

  async findCachedExecution(q: { pipelineName: string; stepName: string; cacheKey: string; artifactStoreId: string }): Promise<StepExecution | undefined> {
    const client = await this.client();
    const rows = await client.query(
      `SELECT s.*, r.name AS run_name FROM zen_steps s
       JOIN zen_runs r ON r.id = s.run_id
       WHERE s.pipeline_id = (SELECT id FROM zen_pipelines WHERE name = ?) AND s.name = ? AND s.cache_key = ? AND s.status = 'completed'
         AND NOT EXISTS (SELECT 1 FROM zen_step_outputs o JOIN zen_artifacts a ON a.id = o.artifact_id WHERE o.step_id = s.id AND a.artifact_store_id <> ?)
       ORDER BY s.seq DESC LIMIT 1`,
      [q.pipelineName, q.stepName, q.cacheKey, q.artifactStoreId],
    );
    return rows[0] ? this.execution(client, rows[0]) : undefined;
  }

  async latestExecution(q: { pipelineName: string; stepName: string }): Promise<StepExecution | undefined> {
    const client = await this.client();
    const rows = await client.query(
      `SELECT s.*, r.name AS run_name FROM zen_steps s
       JOIN zen_runs r ON r.id = s.run_id
       WHERE s.pipeline_id = (SELECT id FROM zen_pipelines WHERE name = ?) AND s.name = ? AND s.status IN ('completed', 'cached')
       ORDER BY s.seq DESC LIMIT 1`,
      [q.pipelineName, q.stepName],
    );
    return rows[0] ? this.execution(client, rows[0]) : undefined;
  }

  private async execution(client: SqlClient, row: Row): Promise<StepExecution> {
    const step = toStep(row);
    // Inputs and outputs in one round trip.
    const side = (table: string, which: number) =>
      `SELECT ${which} AS link_side, l.name AS link_name, a.* FROM ${table} l JOIN zen_artifacts a ON a.id = l.artifact_id WHERE l.step_id = ?`;
    const rows = await client.query(`${side("zen_step_inputs", 0)} UNION ALL ${side("zen_step_outputs", 1)}`, [step.id, step.id]);
    const inputs: Record<string, ArtifactRecord> = {};
    const outputs: Record<string, ArtifactRecord> = {};
    for (const r of rows) (Number(r.link_side) === 0 ? inputs : outputs)[r.link_name as string] = toArtifact(r);
    return { step, runName: row.run_name as string, inputs, outputs };
  }

  // ── queries ───────────────────────────────────────────────────────────────

  async listPipelines(): Promise<PipelineRecord[]> {
    const rows = await (await this.client()).query(
      `SELECT p.id, p.name, p.created_at, COUNT(r.seq) AS run_count, MAX(r.started_at) AS last_run_at
       FROM zen_pipelines p LEFT JOIN zen_runs r ON r.pipeline_id = p.id GROUP BY p.id, p.name, p.created_at ORDER BY p.name`,
    );
    return rows.map(toPipeline);
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    const rows = await (await this.client()).query(
      `SELECT p.id, p.name, p.created_at,
         (SELECT COUNT(*) FROM zen_runs r WHERE r.pipeline_id = p.id) AS run_count,
         (SELECT r.started_at FROM zen_runs r WHERE r.pipeline_id = p.id ORDER BY r.seq DESC LIMIT 1) AS last_run_at
       FROM zen_pipelines p WHERE p.name = ?`,
      [name],
    );
    return rows[0] ? toPipeline(rows[0]) : undefined;
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    const client = await this.client();
    const limit = query.limit ?? NO_LIMIT;
    const offset = query.offset ?? 0;
    const rows =
      query.pipelineName === undefined
        ? await client.query(`${RUN_SELECT} ORDER BY r.seq DESC LIMIT ? OFFSET ?`, [limit, offset])
        : await client.query(`${RUN_SELECT} WHERE r.pipeline_id = (SELECT id FROM zen_pipelines WHERE name = ?) ORDER BY r.seq DESC LIMIT ? OFFSET ?`, [
            query.pipelineName,
            limit,
            offset,
          ]);
    return rows.map(toRun);
  }

  async countRuns(pipelineName?: string): Promise<number> {
    const client = await this.client();
    const rows =
      pipelineName === undefined
        ? await client.query("SELECT COUNT(*) AS n FROM zen_runs")
        : await client.query("SELECT COUNT(*) AS n FROM zen_runs WHERE pipeline_id = (SELECT id FROM zen_pipelines WHERE name = ?)", [pipelineName]);
    return Number(rows[0]!.n);
  }

  async getRun(nameOrId: string): Promise<RunRecord | undefined> {
    const client = await this.client();
    // Two unique-index lookups in one round trip (`id = ? OR name = ?` scans the table on PostgreSQL); an id wins over a name.
    const rows = await client.query(
      `SELECT * FROM ((${RUN_SELECT.replace("SELECT r.*", "SELECT 0 AS zen_pick, r.*")} WHERE r.id = ?) UNION ALL (${RUN_SELECT.replace("SELECT r.*", "SELECT 1 AS zen_pick, r.*")} WHERE r.name = ?)) found ORDER BY zen_pick LIMIT 1`,
      [nameOrId, nameOrId],
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async listSteps(runIds: readonly string[]): Promise<StepRecord[]> {
    return (await this.chunked(runIds, (marks) => `SELECT * FROM zen_steps WHERE run_id IN (${marks}) ORDER BY run_id, position`)).map(toStep);
  }

  async listStepLinks(stepIds: readonly string[]): Promise<{ inputs: StepArtifactLink[]; outputs: StepArtifactLink[] }> {
    return {
      inputs: (await this.chunked(stepIds, (marks) => `SELECT * FROM zen_step_inputs WHERE step_id IN (${marks})`)).map(toLink),
      outputs: (await this.chunked(stepIds, (marks) => `SELECT * FROM zen_step_outputs WHERE step_id IN (${marks})`)).map(toLink),
    };
  }

  async getArtifacts(ids: readonly string[]): Promise<ArtifactRecord[]> {
    return (await this.chunked(ids, (marks) => `SELECT * FROM zen_artifacts WHERE id IN (${marks})`)).map(toArtifact);
  }

  async listConsumers(artifactId: string): Promise<StepArtifactLink[]> {
    return (await (await this.client()).query("SELECT * FROM zen_step_inputs WHERE artifact_id = ?", [artifactId])).map(toLink);
  }

  private async chunked(ids: readonly string[], sql: (marks: string) => string): Promise<Row[]> {
    if (ids.length === 0) return [];
    const client = await this.client();
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      rows.push(...(await client.query(sql(part.map(() => "?").join(",")), part)));
    }
    return rows;
  }
}

async function insertLinks(tx: SqlConnection, table: string, stepId: string, links: readonly { name: string; artifactId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await tx.execute(
    `INSERT INTO ${table} (step_id, name, artifact_id) VALUES ${links.map(() => "(?, ?, ?)").join(", ")}`,
    links.flatMap((l) => [stepId, l.name, l.artifactId]),
  );
}

function runExists(name: string): ConflictError {
  return new ConflictError(`Pipeline run with name '${name}' already exists.`, {
    hint: "Run names are unique across all pipelines: choose another --run-name, or leave it out for a generated one.",
  });
}
