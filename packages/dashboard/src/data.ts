/**
 * What the dashboard serves, read only through the public API the CLI uses (the `ZenApi` facade and a
 * stack's `PipelineRepository`), so it works on every store driver. Secret values are never read:
 * component configs hold `{{secret.key}}` references, and nothing here calls `getSecret`.
 */
import type { PipelineRepository, RunRecord, ZenApi } from "@zen/core";

export interface RunsQuery {
  pipeline?: string | undefined;
  status?: string | undefined;
  stack?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

export const MAX_PAGE = 200;

export async function stacks(zen: ZenApi) {
  const list = await zen.listStacks();
  return list.map((stack) => ({
    name: stack.name,
    active: stack.active,
    components: Object.entries(stack.componentRecords).map(([type, record]) => ({
      type,
      name: record!.name,
      flavor: record!.flavor,
      package: record!.package,
      config: record!.config,
    })),
  }));
}

/** Every flavor (ready, or broken with the cause) and the packages that provide none because they are broken. */
export async function flavors(zen: ZenApi) {
  const [list, problems] = await Promise.all([zen.listFlavors(), zen.discoveryProblems()]);
  return {
    flavors: list.map((f) => ({
      type: f.type,
      name: f.name,
      description: f.description,
      source: f.source,
      ready: f.ready,
      problem: f.problem,
      secretFields: f.secretFields,
    })),
    problems: problems.map((p) => ({ package: p.package, phase: p.phase, message: p.message, hint: p.hint })),
  };
}

export async function pipelines(repository: PipelineRepository) {
  return (await repository.getPipelines()).map((p) => p.toJSON());
}

/** One page of run records (no steps), newest first. Filters other than the pipeline apply in memory. */
export async function runs(repository: PipelineRepository, query: RunsQuery) {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_PAGE);
  const offset = Math.max(query.offset ?? 0, 0);
  const store = repository.metadataStore;
  if (!query.status && !query.stack) {
    const [page, total] = await Promise.all([store.listRuns({ pipelineName: query.pipeline, limit, offset }), store.countRuns(query.pipeline)]);
    return { total, offset, limit, runs: page.map(runSummary) };
  }
  const all = (await store.listRuns({ pipelineName: query.pipeline })).filter(
    (r) => (!query.status || r.status === query.status) && (!query.stack || r.stack.name === query.stack),
  );
  return { total: all.length, offset, limit, runs: all.slice(offset, offset + limit).map(runSummary) };
}

function runSummary(r: RunRecord) {
  return {
    id: r.id,
    name: r.name,
    pipelineName: r.pipelineName,
    status: r.status,
    stack: r.stack.name,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    error: r.error,
  };
}

export async function run(repository: PipelineRepository, nameOrId: string) {
  return (await repository.getRun(nameOrId)).toJSON();
}

const PREVIEW_CHARS = 4000;

/** A small preview of an artifact's value: text, JSON, a table (array of flat records) or a size. */
export async function artifactPreview(repository: PipelineRepository, id: string) {
  const artifact = await repository.getArtifact(id);
  const meta = artifact.toJSON();
  let value: unknown;
  try {
    value = await artifact.read();
  } catch (error) {
    return { artifact: meta, kind: "unavailable", text: (error as Error).message };
  }
  if (typeof value === "string") return { artifact: meta, kind: "text", text: clip(value) };
  if (value instanceof Uint8Array) return { artifact: meta, kind: "bytes", text: `${value.byteLength} bytes` };
  if (isTable(value)) {
    const columns = [...new Set(value.slice(0, 50).flatMap((row) => Object.keys(row)))].slice(0, 20);
    return { artifact: meta, kind: "table", columns, rows: value.slice(0, 50).map((row) => columns.map((c) => cell(row[c]))), totalRows: value.length };
  }
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return { artifact: meta, kind: "json", text: clip(text) };
}

function isTable(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((row) => row !== null && typeof row === "object" && !Array.isArray(row) && Object.values(row).every((v) => v === null || typeof v !== "object"))
  );
}

function cell(v: unknown): string {
  return v === undefined ? "" : String(v);
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (${text.length - PREVIEW_CHARS} more characters)` : text;
}
