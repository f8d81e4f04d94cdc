/**
 * A metadata store on a database server (MySQL/MariaDB, PostgreSQL): the `BaseMetadataStore`
 * contract over a `SqlClient`. A driver package subclasses it and opens its client in `connect()`.
 * The connection opens and the schema is checked (migrated under a lock) on first use, so loading a
 * stack does no network I/O.
 */
import { randomUUID } from "node:crypto";
import { BaseMetadataStore } from "../components/metadata-store.ts";
import { ConflictError, ZenError } from "../errors.ts";
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
import type { RunPage, RunPageQuery } from "../components/run-page.ts";
import { queryRunPage } from "../components/run-page-sql.ts";
import { METADATA_MIGRATIONS, METADATA_STORE } from "./metadata-schema.ts";
import { crashReason } from "../builtins/sqlite-metadata-rows.ts";
import { currentProcessOwner } from "../fs/process-alive.ts";
import { LINKS_OF, LineageReads, STEPS_OF_RUNS, splitLinks } from "./lineage-reads.ts";
import { toArtifact, toLink, toPipeline, toRun, toStepOfRun } from "./metadata-rows.ts";
import { migrateSchema, schemaVersionOf, type SqlMigration } from "./schema-migrations.ts";
import { DIALECTS, type Row, type SqlClient, type SqlStatement } from "./sql-client.ts";
import { readExecutions, recordStepCompletion } from "./step-records-sql.ts";

/** Keeps IN (…) lists well under every server's parameter limit. */
const CHUNK = 500;
/** LIMIT for "no limit": both dialects accept a large number. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** How long the latest execution read with a cache miss answers latestExecution() (the runner asks right after). */
const LATEST_SEEN_MS = 2000;

const RUN_SELECT = "SELECT r.*, p.name AS pipeline_name FROM zen_runs r JOIN zen_pipelines p ON p.id = r.pipeline_id";

export abstract class SqlMetadataStore<Config = Record<string, unknown>> extends BaseMetadataStore<Config> {
  /** Overridable in tests of the migration mechanism. */
  static migrations: readonly SqlMigration[] = METADATA_MIGRATIONS;
  /** How long finishRun() keeps retrying while the server is unreachable. */
  static finishRetryMs = 10 * 60_000;

  #client: Promise<SqlClient> | undefined;
  /** The latest execution read with a cache miss (pipeline, step → when, execution); any write of this store forgets them. */
  #latestSeen = new Map<string, { at: number; latest: StepExecution | undefined }>();
  /** Lineage read together with listSteps(), for the post-execution API's next two calls. */
  #lineage = new LineageReads();

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
    this.#forgetReads();
    if (pending) await (await pending.catch(() => undefined))?.close();
  }

  // ── recording ─────────────────────────────────────────────────────────────

  async createRun(run: NewRunRecord): Promise<RunRecord> {
    const client = await this.client();
    this.#forgetReads();
    const pipelineId = "(SELECT id FROM zen_pipelines WHERE name = ?)";
    const statements: SqlStatement[] = [
      {
        sql: DIALECTS[client.dialect].insertIgnore("zen_pipelines", ["id", "name", "created_at"], ["name"]),
        params: [randomUUID(), run.pipelineName, run.startedAt],
      },
      {
        sql: `INSERT INTO zen_runs (id, name, pipeline_id, status, stack_json, runtime_json, parameters_json, enable_cache, started_at, zen_version, owner_json)
              VALUES (?, ?, ${pipelineId}, 'running', ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          run.id,
          run.name,
          run.pipelineName,
          JSON.stringify(run.stack),
          JSON.stringify(run.runtimeConfiguration),
          JSON.stringify(run.parameters),
          run.enableCache ? 1 : 0,
          run.startedAt,
          run.zenVersion,
          // The process recording the run executes it: if it dies before the run ends, readers on its host show it crashed.
          JSON.stringify(currentProcessOwner()),
        ],
      },
    ];
    // Multi-row INSERTs: a 1,000-step run is still one request.
    for (let i = 0; i < run.steps.length; i += CHUNK) {
      const part = run.steps.slice(i, i + CHUNK);
      statements.push({
        sql: `INSERT INTO zen_steps (id, run_id, pipeline_id, position, name, step_name, status, parameters_json, upstream_json)
              VALUES ${part.map(() => `(?, ?, ${pipelineId}, ?, ?, ?, 'pending', ?, ?)`).join(", ")}`,
        params: part.flatMap((step, j) => [
          step.id,
          run.id,
          run.pipelineName,
          i + j,
          step.name,
          step.stepName,
          JSON.stringify(step.parameters),
          JSON.stringify(step.upstream),
        ]),
      });
    }
    try {
      await client.batch(statements);
    } catch (error) {
      // The run name is a unique key: it decides, also between two machines starting a run of the same name at once.
      if (client.isUniqueViolation(error)) throw runExists(run.name);
      throw error;
    }
    return (await this.getRun(run.id))!;
  }

  async markStepRunning(stepId: string, startedAt: string): Promise<boolean> {
    return this.recording(
      async (client) =>
        (await client.execute("UPDATE zen_steps SET status = 'running', started_at = ? WHERE id = ? AND status = 'pending'", [startedAt, stepId])) === 1,
    );
  }

  async completeStep(c: StepCompletion): Promise<boolean> {
    this.#forgetReads();
    return this.recording((client) => recordStepCompletion(client, c));
  }

  async finishRun(runId: string, c: RunCompletion): Promise<void> {
    this.#forgetReads();
    const statements: SqlStatement[] = [
      {
        sql: "UPDATE zen_runs SET status = ?, ended_at = ?, duration_ms = ?, error = ? WHERE id = ?",
        params: [c.status, c.endedAt, c.durationMs, c.error ?? null, runId],
      },
      { sql: "UPDATE zen_steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'pending'", params: [c.unfinishedSteps.pending, c.endedAt, runId] },
      {
        sql: "UPDATE zen_steps SET status = ?, ended_at = ?, error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running'",
        params: [
          c.unfinishedSteps.running,
          c.endedAt,
          c.status === "cancelled" ? "cancelled while running" : "the run ended while the step was running",
          runId,
        ],
      },
    ];
    // The run's outcome must reach the store: while the server is away (restart, network), the write is
    // retried until it is back, so the run does not stay "running" there. The statements are idempotent.
    const deadline = Date.now() + (this.constructor as typeof SqlMetadataStore).finishRetryMs;
    for (let pause = 250; ; pause = Math.min(pause * 2, 5000)) {
      try {
        await this.recording((client) => client.batch(statements));
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "ZEN_STORE_UNREACHABLE" || Date.now() + pause > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  override async releaseRun(runId: string): Promise<void> {
    await this.recording((client) => client.execute("UPDATE zen_runs SET owner_json = NULL WHERE id = ? AND status = 'running'", [runId]));
  }

  /** Read, merged and written in one transaction (only the run's own process adds links, at its start). */
  override async addRunLinks(runId: string, links: Record<string, string>): Promise<void> {
    await this.recording((client) =>
      client.transaction(async (tx) => {
        const rows = await tx.query("SELECT links_json FROM zen_runs WHERE id = ?", [runId]);
        const kept = rows[0]?.links_json ? (JSON.parse(String(rows[0].links_json)) as Record<string, string>) : {};
        await tx.execute("UPDATE zen_runs SET links_json = ? WHERE id = ?", [JSON.stringify({ ...kept, ...links }), runId]);
      }),
    );
  }

  /** What this store read to answer follow-up calls may be outdated by a write. */
  #forgetReads(): void {
    this.#latestSeen.clear();
    this.#lineage.forget();
  }

  /** Runs a write; a broken or refused connection becomes one clear error naming the store. */
  private async recording<T>(work: (client: SqlClient) => Promise<T>): Promise<T> {
    let client: SqlClient | undefined;
    try {
      client = await this.client();
      return await work(client);
    } catch (error) {
      if (!client?.isConnectionLost(error)) throw error;
      throw new ZenError(`The metadata store at ${client.target} became unreachable (${(error as Error).message || String(error)}).`, {
        code: "ZEN_STORE_UNREACHABLE",
        hint: "Check that the database server is running and reachable; the run is recorded as failed once it is back.",
        cause: error,
      });
    }
  }

  // ── cache ─────────────────────────────────────────────────────────────────

  async findCachedExecution(q: { pipelineName: string; stepName: string; cacheKey: string; artifactStoreId: string }): Promise<StepExecution | undefined> {
    const { hit, latest } = await readExecutions(await this.client(), { ...q, cache: q });
    // A miss is followed by latestExecution() of the same step, to say why: read in the same request.
    if (!hit) {
      if (this.#latestSeen.size > 64) this.#latestSeen.clear();
      this.#latestSeen.set(stepKey(q), { at: Date.now(), latest });
    }
    return hit;
  }

  async latestExecution(q: { pipelineName: string; stepName: string }): Promise<StepExecution | undefined> {
    const seen = this.#latestSeen.get(stepKey(q));
    this.#latestSeen.delete(stepKey(q));
    if (seen && Date.now() - seen.at < LATEST_SEEN_MS) return seen.latest;
    return (await readExecutions(await this.client(), q)).latest;
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

  /** Filtered and paged by the server; a `running` run that crashed (see toRun) counts as failed. */
  override async queryRuns(query: RunPageQuery): Promise<RunPage> {
    const client = await this.client();
    let crashed: string[] = [];
    if (query.status === "running" || query.status === "failed") {
      const running = await client.query("SELECT id, status, owner_json FROM zen_runs WHERE status = 'running'");
      crashed = running.filter((r) => crashReason(r) !== undefined).map((r) => String(r.id));
    }
    const marks = crashed.map(() => "?").join(", ");
    return queryRunPage(query, {
      select: RUN_SELECT,
      runs: "zen_runs",
      pipelines: "zen_pipelines",
      stackName: client.dialect === "postgres" ? "(r.stack_json::json ->> 'name')" : "JSON_UNQUOTE(JSON_EXTRACT(r.stack_json, '$.name'))",
      status: (status) =>
        crashed.length === 0
          ? { sql: "r.status = ?", params: [status] }
          : status === "running"
            ? { sql: `r.status = 'running' AND r.id NOT IN (${marks})`, params: crashed }
            : status === "failed"
              ? { sql: `(r.status = 'failed' OR r.id IN (${marks}))`, params: crashed }
              : { sql: "r.status = ?", params: [status] },
      query: (sql, params) => client.query(sql, params),
      toRun,
    });
  }

  async getRun(nameOrId: string): Promise<RunRecord | undefined> {
    const client = await this.client();
    // Two unique-index lookups in one round trip (`id = ? OR name = ?` scans the table on PostgreSQL); an id wins over a name.
    const pick = (rank: number) => RUN_SELECT.replace("SELECT r.*", `SELECT ${rank} AS zen_pick, r.*`);
    const sql = `SELECT * FROM ((${pick(0)} WHERE r.id = ?) UNION ALL (${pick(1)} WHERE r.name = ?)) found ORDER BY zen_pick LIMIT 1`;
    const rows = await client.query(sql, [nameOrId, nameOrId]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async listSteps(runIds: readonly string[]): Promise<StepRecord[]> {
    if (runIds.length === 0) return [];
    if (runIds.length <= CHUNK) return this.#lineage.steps(await this.client(), runIds);
    return (await this.chunked(runIds, STEPS_OF_RUNS)).map(toStepOfRun);
  }

  async listStepLinks(stepIds: readonly string[]): Promise<{ inputs: StepArtifactLink[]; outputs: StepArtifactLink[] }> {
    const seen = this.#lineage.links(stepIds);
    if (seen) return seen;
    const client = await this.client();
    const rows: Row[] = [];
    for (let i = 0; i < stepIds.length; i += CHUNK) {
      const part = stepIds.slice(i, i + CHUNK);
      rows.push(...(await client.query(LINKS_OF(`s.id IN (${part.map(() => "?").join(", ")})`), [...part, ...part])));
    }
    return splitLinks(rows);
  }

  async getArtifacts(ids: readonly string[]): Promise<ArtifactRecord[]> {
    return this.#lineage.artifacts(ids) ?? (await this.chunked(ids, (marks) => `SELECT * FROM zen_artifacts WHERE id IN (${marks})`)).map(toArtifact);
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

const stepKey = (q: { pipelineName: string; stepName: string }) => `${q.pipelineName}\0${q.stepName}`;

function runExists(name: string): ConflictError {
  return new ConflictError(`Pipeline run with name '${name}' already exists.`, {
    hint: "Run names are unique across all pipelines: choose another --run-name, or leave it out for a generated one.",
  });
}
