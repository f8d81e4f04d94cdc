/**
 * `zen step run` (hidden): the step entrypoint of remote orchestrators. A step's container runs it with
 * the pipeline file, the step and the run's id; the outcome goes to the metadata store, where the
 * launching process reads it. Exits 1 when the step failed, so the orchestrator marks the task failed.
 */
import type { Invocation } from "../command-line/spec.ts";
import { stderr } from "../stdio.ts";

export async function runStep(command: Invocation): Promise<void> {
  const [{ openZen, options }, core] = await Promise.all([import("./common.ts"), import("@zen/core")]);
  const opts = options(command) as { pipeline: string; step: string; runId: string; kfpJob?: string; scheduleRun?: string; quiet?: boolean };
  const pipeline = await core.loadPipelineFile(opts.pipeline);
  const zen = await openZen(command, { banner: false });
  const stack = await zen.loadStack();
  const outcome = await core.runStepOfRun({
    pipeline,
    runId: opts.runId,
    step: opts.step,
    ...(opts.scheduleRun !== undefined ? { scheduleRunId: opts.scheduleRun } : {}),
    stack,
    onEvent: opts.quiet ? undefined : core.createProgressReporter({ stream: process.stderr }),
  });
  const where = opts.kfpJob ? ` (Kubeflow job ${opts.kfpJob})` : "";
  if (outcome.status === "failed") {
    stderr.write(`Step '${opts.step}' of run ${opts.runId} failed${where}: ${outcome.error?.message ?? "unknown error"}\n`);
    process.exitCode = 1;
    return;
  }
  stderr.write(`Step '${opts.step}' of run ${opts.runId} ${outcome.status}${where}.\n`);
}
