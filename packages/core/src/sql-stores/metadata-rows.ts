/** Rows of the SQL metadata tables → records. Drivers return BIGINT counts as strings (pg) or numbers (mysql2): both are read with Number(). */
import { crashReason } from "../builtins/sqlite-metadata-rows.ts";
import type { ArtifactRecord, PipelineRecord, RunRecord, StepArtifactLink, StepRecord } from "../components/run-records.ts";
import type { Row } from "./sql-client.ts";

const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
const json = <T>(v: unknown) => JSON.parse(String(v)) as T;

export function toPipeline(r: Row): PipelineRecord {
  return { id: String(r.id), name: String(r.name), createdAt: String(r.created_at), runCount: Number(r.run_count), lastRunAt: text(r.last_run_at) };
}

/** A run still `running` whose process is known to be gone (same host) reads as failed: it crashed, or its store was away when it ended. */
export function toRun(r: Row): RunRecord {
  const crash = crashReason(r);
  return crash === undefined ? toRecordedRun(r) : { ...toRecordedRun(r), status: "failed", error: `crashed: ${crash}` };
}

function toRecordedRun(r: Row): RunRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    pipelineId: String(r.pipeline_id),
    pipelineName: String(r.pipeline_name),
    status: r.status as RunRecord["status"],
    stack: json<RunRecord["stack"]>(r.stack_json),
    runtimeConfiguration: json<Record<string, unknown>>(r.runtime_json),
    parameters: json<Record<string, unknown>>(r.parameters_json),
    enableCache: Number(r.enable_cache) === 1,
    startedAt: String(r.started_at),
    endedAt: text(r.ended_at),
    durationMs: num(r.duration_ms),
    error: text(r.error),
    zenVersion: String(r.zen_version),
    links: r.links_json === null || r.links_json === undefined ? undefined : json<Record<string, string>>(r.links_json),
  };
}

/** A step of a crashed run (`run_status`, `run_owner` joined in): running → failed, pending → skipped. */
export function toStepOfRun(r: Row): StepRecord {
  const step = toStep(r);
  const crash = step.status === "running" || step.status === "pending" ? crashReason({ status: r.run_status, owner_json: r.run_owner }) : undefined;
  if (crash === undefined) return step;
  return step.status === "running" ? { ...step, status: "failed", error: step.error ?? `the run crashed: ${crash}` } : { ...step, status: "skipped" };
}

export function toStep(r: Row): StepRecord {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    name: String(r.name),
    stepName: String(r.step_name),
    status: r.status as StepRecord["status"],
    cacheReason: text(r.cache_reason),
    cacheKey: text(r.cache_key),
    codeHash: text(r.code_hash),
    parameters: json<Record<string, unknown>>(r.parameters_json),
    upstream: json<string[]>(r.upstream_json),
    startedAt: text(r.started_at),
    endedAt: text(r.ended_at),
    durationMs: num(r.duration_ms),
    error: text(r.error),
  };
}

export function toArtifact(r: Row): ArtifactRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    uri: String(r.uri),
    materializer: String(r.materializer),
    dataType: String(r.data_type),
    contentHash: String(r.content_hash),
    producerStepId: String(r.producer_step_id),
    artifactStoreId: String(r.artifact_store_id),
    createdAt: String(r.created_at),
  };
}

export function toLink(r: Row): StepArtifactLink {
  return { stepId: String(r.step_id), name: String(r.name), artifactId: String(r.artifact_id) };
}
