/**
 * The SQL metadata store's per-step statements, each ONE request to the server: what bounds the
 * local orchestrator's overhead per step on a database server, where a round trip costs far more
 * than the work the server does for it.
 */
import type { ArtifactRecord, StepCompletion, StepExecution } from "../components/run-records.ts";
import { toArtifact, toStep } from "./metadata-rows.ts";
import { DIALECTS, type Row, type SqlClient } from "./sql-client.ts";

const STEP_UPDATE = `UPDATE zen_steps SET status = ?, cache_reason = ?, cache_key = ?, code_hash = ?, started_at = ?, ended_at = ?, duration_ms = ?, error = ?
  WHERE id = ? AND status IN ('pending', 'running')`;

interface Rows {
  table: string;
  columns: readonly string[];
  rows: unknown[][];
}

const ARTIFACT_COLUMNS = ["id", "name", "uri", "materializer", "data_type", "content_hash", "producer_step_id", "artifact_store_id", "created_at"];
const LINK_COLUMNS = ["step_id", "name", "artifact_id"];

function lineage(c: StepCompletion): Rows[] {
  const links = (table: string, list: readonly { name: string; artifactId: string }[]): Rows => ({
    table,
    columns: LINK_COLUMNS,
    rows: list.map((l) => [c.stepId, l.name, l.artifactId]),
  });
  const artifacts: Rows = {
    table: "zen_artifacts",
    columns: ARTIFACT_COLUMNS,
    rows: c.newArtifacts.map((a) => [a.id, a.name, a.uri, a.materializer, a.dataType, a.contentHash, a.producerStepId, a.artifactStoreId, a.createdAt]),
  };
  return [artifacts, links("zen_step_inputs", c.inputs), links("zen_step_outputs", c.outputs)].filter((t) => t.rows.length > 0);
}

/**
 * Records a step's outcome with its new artifacts and lineage in one round trip and one transaction;
 * the lineage is written only if the step was still pending or running (else false: the run ended it).
 */
export async function recordStepCompletion(client: SqlClient, c: StepCompletion): Promise<boolean> {
  const update = [c.status, c.cacheReason ?? null, c.cacheKey ?? null, c.codeHash ?? null, c.startedAt, c.endedAt, c.durationMs, c.error ?? null, c.stepId];
  const tables = lineage(c);
  if (client.dialect === "postgres") {
    // One statement: data-modifying CTEs run in one snapshot, foreign keys are checked at its end.
    const inserts = tables.map(
      (t, i) =>
        `, lineage_${i} AS (INSERT INTO ${t.table} (${t.columns.join(", ")}) SELECT * FROM (VALUES ${t.rows
          .map(() => `(${t.columns.map(() => "?").join(", ")})`)
          .join(", ")}) v WHERE EXISTS (SELECT 1 FROM recorded))`,
    );
    const rows = await client.query(`WITH recorded AS (${STEP_UPDATE} RETURNING id)${inserts.join("")} SELECT COUNT(*) AS n FROM recorded`, [
      ...update,
      ...tables.flatMap((t) => t.rows.flat()),
    ]);
    return Number(rows[0]!.n) === 1;
  }
  // MySQL has no data-modifying CTEs: a session variable carries the UPDATE's outcome to the INSERTs.
  const [updated] = await client.batch([
    { sql: STEP_UPDATE, params: update },
    { sql: "SET @zen_step_recorded = ROW_COUNT()" },
    ...tables.map((t) => ({
      sql: `INSERT INTO ${t.table} (${t.columns.join(", ")}) SELECT * FROM (${t.rows
        .map(() => `SELECT ${t.columns.map((column) => `? AS ${column}`).join(", ")}`)
        .join(" UNION ALL ")}) v WHERE @zen_step_recorded = 1`,
      params: t.rows.flat(),
    })),
  ]);
  return updated === 1;
}

/** PostgreSQL: a step's inputs and outputs as JSON built by the server, so that an execution is one row. */
const LINKED_ARTIFACT: Record<string, string> = Object.fromEntries([["link_name", "l.name"], ...ARTIFACT_COLUMNS.map((c) => [c, `a.${c}`])]);

const STEP_OF = "s.pipeline_id = (SELECT id FROM zen_pipelines WHERE name = ?) AND s.name = ?";

export interface ExecutionQuery {
  pipelineName: string;
  stepName: string;
  /** With these, also the newest completed execution with this cache key whose outputs are all in that artifact store. */
  cache?: { cacheKey: string; artifactStoreId: string } | undefined;
}

const LATEST = `SELECT s.seq FROM zen_steps s WHERE ${STEP_OF} AND s.status IN ('completed', 'cached') ORDER BY s.seq DESC LIMIT 1`;
const HIT = `SELECT s.seq FROM zen_steps s WHERE ${STEP_OF} AND s.cache_key = ? AND s.status = 'completed'
  AND NOT EXISTS (SELECT 1 FROM zen_step_outputs o JOIN zen_artifacts a ON a.id = o.artifact_id WHERE o.step_id = s.id AND a.artifact_store_id <> ?)
  ORDER BY s.seq DESC LIMIT 1`;

interface Executions {
  hit?: StepExecution | undefined;
  latest: StepExecution | undefined;
}

/** The cache hit (if asked for) and the latest completed or cached execution of a step, with their lineage, in one round trip. */
export async function readExecutions(client: SqlClient, q: ExecutionQuery): Promise<Executions> {
  const params: unknown[] = q.cache ? [q.pipelineName, q.stepName, q.cache.cacheKey, q.cache.artifactStoreId] : [];
  params.push(q.pipelineName, q.stepName);
  return client.dialect === "mysql" ? readWithVariables(client, q, params) : readWithJson(client, q, params);
}

/** PostgreSQL: each execution is one row, its lineage aggregated into JSON by correlated subqueries. */
async function readWithJson(client: SqlClient, q: ExecutionQuery, params: unknown[]): Promise<Executions> {
  const linked = (table: string) =>
    `(SELECT ${DIALECTS.postgres.jsonObjects(LINKED_ARTIFACT)} FROM ${table} l JOIN zen_artifacts a ON a.id = l.artifact_id WHERE l.step_id = s.id)`;
  const latest = `SELECT 1 AS zen_kind, seq FROM (${LATEST}) latest`;
  const picked = q.cache ? `SELECT 0 AS zen_kind, seq FROM (${HIT}) hit UNION ALL ${latest}` : latest;
  const rows = await client.query(
    `SELECT picked.zen_kind, s.*, r.name AS run_name, ${linked("zen_step_inputs")} AS inputs_json, ${linked("zen_step_outputs")} AS outputs_json
     FROM (${picked}) picked JOIN zen_steps s ON s.seq = picked.seq JOIN zen_runs r ON r.id = s.run_id`,
    params,
  );
  const of = (kind: number) => {
    const row = rows.find((r) => Number(r.zen_kind) === kind);
    return row ? execution(row, artifactsOf(row.inputs_json), artifactsOf(row.outputs_json)) : undefined;
  };
  return { hit: q.cache ? of(0) : undefined, latest: of(1) };
}

/**
 * MySQL/MariaDB: the two step positions go into session variables, then the steps and their lineage
 * are plain joins, all in one request (its JSON aggregates cost more than the lookups themselves).
 */
async function readWithVariables(client: SqlClient, q: ExecutionQuery, params: unknown[]): Promise<Executions> {
  const picked = "s.seq IN (@zen_hit, @zen_latest)";
  const links = (side: number, table: string) =>
    `SELECT ${side} AS zen_side, l.step_id AS zen_step_id, l.name AS link_name, a.* FROM zen_steps s
     JOIN ${table} l ON l.step_id = s.id JOIN zen_artifacts a ON a.id = l.artifact_id WHERE ${picked}`;
  const [, steps, lineage] = await client.queryBatch([
    { sql: `SET @zen_hit = ${q.cache ? `(${HIT})` : "NULL"}, @zen_latest = (${LATEST})`, params },
    { sql: `SELECT s.*, r.name AS run_name, s.seq = @zen_hit AS zen_is_hit FROM zen_steps s JOIN zen_runs r ON r.id = s.run_id WHERE ${picked}` },
    { sql: `${links(0, "zen_step_inputs")} UNION ALL ${links(1, "zen_step_outputs")}` },
  ]);
  const of = (row: Row | undefined) => {
    if (!row) return undefined;
    const side = (n: number) => lineage!.filter((l) => l.zen_step_id === row.id && Number(l.zen_side) === n);
    return execution(row, artifactsOf(side(0)), artifactsOf(side(1)));
  };
  const hit = steps!.find((r) => Number(r.zen_is_hit) === 1);
  // The hit may also be the latest execution: its row then answers both.
  const latest = steps!.find((r) => Number(r.zen_is_hit) !== 1) ?? hit;
  return { hit: q.cache ? of(hit) : undefined, latest: of(latest) };
}

/** Artifacts by link name, from rows or aggregated JSON (pg parses json; text is parsed here). */
function artifactsOf(value: unknown): Record<string, ArtifactRecord> {
  const list = (typeof value === "string" ? JSON.parse(value) : (value ?? [])) as Row[];
  return Object.fromEntries(list.map((r) => [String(r.link_name), toArtifact(r)]));
}

function execution(row: Row, inputs: Record<string, ArtifactRecord>, outputs: Record<string, ArtifactRecord>): StepExecution {
  return { step: toStep(row), runName: String(row.run_name), inputs, outputs };
}
