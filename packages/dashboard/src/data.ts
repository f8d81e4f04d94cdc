/**
 * What the dashboard serves, read only through the public API the CLI uses (the `ZenApi` facade and a
 * stack's `PipelineRepository`), so it works on every store driver. Secret values are never read:
 * component configs hold `{{secret.key}}` references, and nothing here calls `getSecret`.
 */
import type { PipelineRepository, RunRecord, RunStatus, ZenApi } from "@zen/core";

export interface RunsQuery {
  pipeline?: string | undefined;
  status?: string | undefined;
  stack?: string | undefined;
  limit?: number | undefined;
  /** A run id: the page just older than it … */
  before?: string | undefined;
  /** … or just newer. */
  after?: string | undefined;
}

const RUN_STATUSES = new Set<string>(["running", "completed", "failed", "cancelled"]);

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

/**
 * One page of run records (no steps), newest first, filtered and paged by the metadata store. `older`
 * and `newer` are the run ids to page from (`before=` / `after=`), when there is such a page.
 */
export async function runs(repository: PipelineRepository, query: RunsQuery) {
  if (query.status !== undefined && !RUN_STATUSES.has(query.status)) {
    throw new BadRequest(`Unknown run status '${query.status}': use one of ${[...RUN_STATUSES].join(", ")}.`);
  }
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50) || 50, 1), MAX_PAGE);
  const page = await repository.metadataStore.queryRuns({
    pipelineName: query.pipeline,
    status: query.status as RunStatus | undefined,
    stackName: query.stack,
    limit,
    before: query.before,
    after: query.after,
  });
  return {
    total: page.total,
    limit,
    runs: page.runs.map(runSummary),
    older: page.hasOlder ? page.runs.at(-1)?.id : undefined,
    newer: page.hasNewer ? page.runs[0]?.id : undefined,
  };
}

export class BadRequest extends Error {
  readonly status = 400;
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
