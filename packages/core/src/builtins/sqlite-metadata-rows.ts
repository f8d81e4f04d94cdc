/**
 * Rows of the SQLite metadata store as records, and how its failures read: a run whose process is
 * gone shows as crashed, a damaged database is named with what to do.
 */
import { ZenError } from "../errors.ts";
import { ownerGoneReason, type ProcessOwner } from "../fs/process-alive.ts";
import type { ArtifactRecord, PipelineRecord, RunRecord, RunStatus, StepRecord } from "../components/run-records.ts";
import type { SqlPart } from "../components/run-page-sql.ts";
import { newestBackup } from "../store/damaged-store.ts";

export type Row = Record<string, unknown>;

const text = (v: unknown) => (v === null || v === undefined ? undefined : (v as string));
const num = (v: unknown) => (v === null || v === undefined ? undefined : (v as number));

export function toPipeline(r: Row): PipelineRecord {
  return { id: r.id as string, name: r.name as string, createdAt: r.created_at as string, runCount: r.run_count as number, lastRunAt: text(r.last_run_at) };
}

/** Why a run recorded as `running` is not running any more (its process is gone), if it is not. */
export function crashReason(r: Row): string | undefined {
  if (r.status !== "running" || typeof r.owner_json !== "string") return undefined;
  let owner: ProcessOwner;
  try {
    owner = JSON.parse(r.owner_json) as ProcessOwner;
  } catch {
    return undefined;
  }
  return typeof owner?.pid === "number" && typeof owner.host === "string" ? ownerGoneReason(owner) : undefined;
}

/** Statuses as read: a run recorded as running whose process is gone is failed, not running. */
export function sqliteRunStatus(status: RunStatus): SqlPart {
  if (status === "running") return { sql: "r.status = 'running' AND zen_run_crashed(r.status, r.owner_json) = 0", params: [] };
  if (status === "failed") {
    return { sql: "r.status IN ('failed', 'running') AND (r.status = 'failed' OR zen_run_crashed(r.status, r.owner_json) = 1)", params: [] };
  }
  return { sql: "r.status = ?", params: [status] };
}

/**
 * Errors from a damaged database (not SQLite, corrupt pages, a table missing) name the file and what
 * to do; they are the user's environment, not a bug. Other errors pass through.
 */
export function damagedMetadata(file: string, error: unknown): unknown {
  if (error instanceof ZenError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  const damaged = code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || code === "SQLITE_CANTOPEN" || /no such (table|column)|malformed/i.test(message);
  if (!damaged) return error;
  const backup = newestBackup(file);
  return new ZenError(`The metadata store '${file}' is damaged: ${message}.`, {
    code: "ZEN_METADATA_DAMAGED",
    hint:
      (backup ? `Restore the copy zen kept of it (\`cp '${backup}' '${file}'\`), or move` : "zen changed nothing. Restore it from your own backup, or move") +
      ` it aside (\`mv '${file}' '${file}.damaged'\`) to start a new run history.`,
    cause: error,
  });
}

/** zen never leaves an empty database file (it creates it complete), so 0 bytes means somebody truncated it. */
export function emptyMetadata(file: string): ZenError {
  const backup = newestBackup(file);
  return new ZenError(`The metadata store '${file}' is empty (0 bytes): it was truncated, and the run history it held is gone.`, {
    code: "ZEN_METADATA_DAMAGED",
    hint: `${
      backup
        ? `zen changed nothing. Restore the copy zen kept of it (\`cp '${backup}' '${file}'\`), or remove`
        : "zen changed nothing. Restore it from your own backup, or remove"
    } it (\`rm '${file}'\`) to start a new run history.`,
  });
}

export function toRun(r: Row): RunRecord {
  const crash = crashReason(r);
  if (crash !== undefined) {
    return { ...toRecordedRun(r), status: "failed", error: `crashed: ${crash}` };
  }
  return toRecordedRun(r);
}

function toRecordedRun(r: Row): RunRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    pipelineId: r.pipeline_id as string,
    pipelineName: r.pipeline_name as string,
    status: r.status as RunRecord["status"],
    stack: JSON.parse(r.stack_json as string) as RunRecord["stack"],
    runtimeConfiguration: JSON.parse(r.runtime_json as string) as Record<string, unknown>,
    parameters: JSON.parse(r.parameters_json as string) as Record<string, unknown>,
    enableCache: r.enable_cache === 1,
    startedAt: r.started_at as string,
    endedAt: text(r.ended_at),
    durationMs: num(r.duration_ms),
    error: text(r.error),
    zenVersion: r.zen_version as string,
    links: typeof r.links_json === "string" ? (JSON.parse(r.links_json) as Record<string, string>) : undefined,
  };
}

export function toStep(r: Row): StepRecord {
  return {
    id: r.id as string,
    runId: r.run_id as string,
    name: r.name as string,
    stepName: r.step_name as string,
    status: r.status as StepRecord["status"],
    cacheReason: text(r.cache_reason),
    cacheKey: text(r.cache_key),
    codeHash: text(r.code_hash),
    parameters: JSON.parse(r.parameters_json as string) as Record<string, unknown>,
    upstream: JSON.parse(r.upstream_json as string) as string[],
    startedAt: text(r.started_at),
    endedAt: text(r.ended_at),
    durationMs: num(r.duration_ms),
    error: text(r.error),
  };
}

export function toArtifact(r: Row): ArtifactRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    uri: r.uri as string,
    materializer: r.materializer as string,
    dataType: r.data_type as string,
    contentHash: r.content_hash as string,
    producerStepId: r.producer_step_id as string,
    artifactStoreId: r.artifact_store_id as string,
    createdAt: r.created_at as string,
  };
}
