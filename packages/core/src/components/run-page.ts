/**
 * Pages of runs, filtered by the store: what a runs list over a long history asks for. A page is
 * found by a run id (the last run of the previous page), not an offset, so runs recorded meanwhile do
 * not shift the pages a reader is walking through.
 */
import { ValidationError } from "../errors.ts";
import type { RunRecord, RunStatus } from "./run-records.ts";

export interface RunPageQuery {
  pipelineName?: string | undefined;
  /**
   * The status as read: a run recorded as `running` whose process is gone reads as `failed`, so it
   * matches `failed`, never `running`.
   */
  status?: RunStatus | undefined;
  /** The name of the stack the run used. */
  stackName?: string | undefined;
  /** Runs per page, 1 to `MAX_RUN_PAGE`. */
  limit: number;
  /** The page of matching runs just older than the run with this id … */
  before?: string | undefined;
  /** … or just newer than it. Unknown ids give an empty page. */
  after?: string | undefined;
}

export interface RunPage {
  /** Newest first. */
  runs: RunRecord[];
  /** How many runs match the filters, on all pages. */
  total: number;
  /** Whether matching runs older than this page exist (the next page: `before` its last run's id). */
  hasOlder: boolean;
  /** Whether matching runs newer than this page exist (the previous page: `after` its first run's id). */
  hasNewer: boolean;
}

export const MAX_RUN_PAGE = 1000;

export function checkRunPageQuery(query: RunPageQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_RUN_PAGE) {
    throw new ValidationError(`A page of runs holds 1 to ${MAX_RUN_PAGE} runs, not ${String(query.limit)}.`, {
      hint: `Ask for a limit from 1 to ${MAX_RUN_PAGE}.`,
    });
  }
  if (query.before !== undefined && query.after !== undefined) {
    throw new ValidationError("A page of runs is either before a run or after it, not both.", { hint: "Pass only one of before and after." });
  }
}

/** Whether a run (its status as read) matches the query's filters. */
export function runMatches(run: RunRecord, query: RunPageQuery): boolean {
  return (
    (query.pipelineName === undefined || run.pipelineName === query.pipelineName) &&
    (query.status === undefined || run.status === query.status) &&
    (query.stackName === undefined || run.stack.name === query.stackName)
  );
}

/**
 * The page of `newestFirst` (every run of the pipeline, or every run, newest first) the query asks
 * for: the default for stores that cannot filter and page themselves.
 */
export function pageOfRuns(newestFirst: readonly RunRecord[], query: RunPageQuery): RunPage {
  checkRunPageQuery(query);
  const cursor = query.before ?? query.after;
  // Position in the whole history: the cursor run itself may no longer match (its status changed).
  const at = cursor === undefined ? -1 : newestFirst.findIndex((r) => r.id === cursor);
  if (cursor !== undefined && at < 0) return { runs: [], total: newestFirst.filter((r) => runMatches(r, query)).length, hasOlder: false, hasNewer: false };
  const positions: number[] = [];
  newestFirst.forEach((run, i) => {
    if (runMatches(run, query)) positions.push(i);
  });
  let from: number;
  let to: number;
  if (query.after !== undefined) {
    to = positions.findIndex((i) => i >= at);
    if (to < 0) to = positions.length;
    from = Math.max(0, to - query.limit);
  } else {
    from = query.before === undefined ? 0 : positions.findIndex((i) => i > at);
    if (from < 0) from = positions.length;
    to = Math.min(positions.length, from + query.limit);
  }
  return {
    runs: positions.slice(from, to).map((i) => newestFirst[i]!),
    total: positions.length,
    hasOlder: to < positions.length,
    hasNewer: from > 0,
  };
}
