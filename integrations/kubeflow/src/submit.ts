/**
 * Submitting a compiled pipeline and following it: the pipeline is uploaded (a new version when it
 * exists), the run is created in the experiment (or a recurring run, for a schedule), and a run is
 * followed until KFP reports a final state or the timeout passes.
 */
import { ValidationError, ZenError } from "@zen/core/flavor";
import { KFP_FINAL_STATES, type KfpClient, type KfpRunState } from "./kfp-client.ts";

export interface Submission {
  pipelineName: string;
  packageText: string;
  experiment: string;
  runName: string;
  parameters: Record<string, unknown>;
  /** A cron expression: create a recurring run instead of a run. */
  schedule?: string;
}

export interface Submitted {
  pipelineId: string;
  versionId: string;
  experimentId: string;
  runId?: string;
  recurringRunId?: string;
}

export async function submitPipeline(client: KfpClient, submission: Submission): Promise<Submitted> {
  const existing = await client.findPipeline(submission.pipelineName);
  const version = existing
    ? await client.uploadPipelineVersion(existing.pipeline_id, submission.runName, submission.packageText)
    : await client.latestVersion((await client.uploadPipeline(submission.pipelineName, submission.packageText)).pipeline_id);
  const experimentId = await client.ensureExperiment(submission.experiment);
  const request = {
    displayName: submission.runName,
    experimentId,
    version: { pipeline_id: version.pipeline_id, pipeline_version_id: version.pipeline_version_id },
    parameters: submission.parameters,
  };
  const base = { pipelineId: version.pipeline_id, versionId: version.pipeline_version_id, experimentId };
  if (submission.schedule !== undefined) {
    const recurring = await client.createRecurringRun({ ...request, cron: kfpCron(submission.schedule) });
    return { ...base, recurringRunId: recurring.recurring_run_id };
  }
  const run = await client.createRun(request);
  return { ...base, runId: run.run_id };
}

export interface FollowOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Called after each poll (e.g. to read the steps' progress from the metadata store). */
  onPoll?: (state: KfpRunState) => Promise<void> | void;
}

/** Polls the run until a final state; a timeout is an error naming the last state. */
export async function followRun(client: KfpClient, runId: string, options: FollowOptions): Promise<KfpRunState> {
  const deadline = Date.now() + options.timeoutMs;
  let state: KfpRunState = "PENDING";
  for (;;) {
    const run = await client.getRun(runId);
    state = run.state ?? "RUNTIME_STATE_UNSPECIFIED";
    await options.onPoll?.(state);
    if (KFP_FINAL_STATES.has(state) || options.signal?.aborted) return state;
    if (Date.now() >= deadline) {
      throw new ZenError(`Kubeflow run ${runId} did not end within ${Math.round(options.timeoutMs / 1000)} s (last state ${state}).`, {
        code: "ZEN_KFP_TIMEOUT",
        hint: "Raise the orchestrator's timeout, or set synchronous=false and follow the run in the Kubeflow UI.",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2000));
  }
}

/**
 * KFP's cron has six fields, seconds first (`0 30 2 * * *`); a standard five-field expression
 * (`30 2 * * *`) gets second 0.
 */
export function kfpCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 6) return fields.join(" ");
  if (fields.length === 5) return ["0", ...fields].join(" ");
  throw new ValidationError(`The schedule '${expression}' is not a cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first).`, {
    hint: 'e.g. --schedule "30 2 * * *" runs every day at 02:30.',
  });
}
