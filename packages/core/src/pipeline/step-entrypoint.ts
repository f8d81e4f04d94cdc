/**
 * The step entrypoint: runs one step of a run that `pipeline.run()` recorded, in another process (a
 * container a remote orchestrator started, a worker). It rebuilds the DAG from the run's recorded
 * parameters, reads upstream outputs from the metadata store, and records the step's outcome there,
 * where the launching process reads it back (`run.poll()`). Same step runner as a local run.
 * For a schedule, each trigger is a run of its own, created from the schedule's run by its first step
 * and ended by its last.
 */
import { randomUUID } from "node:crypto";
import type { StepOutcome } from "../components/orchestrator.ts";
import type { BaseMetadataStore } from "../components/metadata-store.ts";
import type { RunRecord, StepStatus } from "../components/run-records.ts";
import { corePackage } from "../discovery/core-package.ts";
import { ZenError } from "../errors.ts";
import type { LoadedStack } from "../stack.ts";
import type { ZenOptions } from "../config/settings.ts";
import type { PipelineEvent, PipelineEventListener } from "../components/run-events.ts";
import { RecentFiles } from "./materializers.ts";
import { buildPlan } from "./plan.ts";
import { resolveStack, stackComponents } from "./resolve-stack.ts";
import type { RunnablePipeline } from "./run-pipeline.ts";
import { executeStep } from "./step-runner.ts";

export interface StepEntrypointOptions {
  /** The pipeline the run belongs to (e.g. from `loadPipelineFile`). */
  pipeline: RunnablePipeline;
  /** The run's id, as the orchestrator received it (`run.runId`), or a trigger's id (see `scheduleRunId`). */
  runId: string;
  /**
   * The run recorded for a schedule (`pipeline.run({ schedule })`), when the orchestrator's engine
   * triggers it: `runId` then identifies one trigger (e.g. the engine's run id). Its first step
   * creates that run from the schedule's (same parameters, stack, runtime options and cache setting;
   * named `<schedule run>-<runId>`), its siblings join it, and the step that settles the last one
   * ends it.
   */
  scheduleRunId?: string | undefined;
  /** The step's name in the pipeline. */
  step: string;
  /** The stack the run uses (a name or a loaded stack); default the active stack. */
  stack?: string | LoadedStack;
  /** Progress of this step (started, outcome, hook warnings); default none. */
  onEvent?: PipelineEventListener;
  signal?: AbortSignal;
  zen?: ZenOptions;
}

/**
 * Runs one step of a recorded run and records its outcome. Resolves with the outcome (a failed step
 * is an outcome, not an error); rejects only when the run or the step cannot be found.
 */
export async function runStepOfRun(options: StepEntrypointOptions): Promise<StepOutcome> {
  const { pipeline, runId, step } = options;
  const stack = await resolveStack(options.stack, options.zen ?? {});
  const metadata = stack.metadataStore;
  let run = await metadata.getRun(runId);
  if ((!run || run.id !== runId) && options.scheduleRunId !== undefined) {
    run = await openTriggeredRun(metadata, pipeline, runId, options.scheduleRunId, stack.name);
  }
  if (!run || run.id !== runId) {
    throw new ZenError(`Run '${runId}' is not recorded in the metadata store of stack '${stack.name}'.`, {
      code: "ZEN_RUN_NOT_FOUND",
      hint: "Pass the run id the orchestrator received, and a stack that shares the run's metadata store.",
    });
  }
  if (run.pipelineName !== pipeline.name) {
    throw new ZenError(`Run '${run.name}' belongs to pipeline '${run.pipelineName}', not '${pipeline.name}'.`, {
      code: "ZEN_INVALID",
      hint: `Load pipeline '${run.pipelineName}' in the step's process.`,
    });
  }
  if (run.status !== "running") {
    throw new ZenError(`Run '${run.name}' has already ended (${run.status}).`, {
      code: "ZEN_RUN_ENDED",
      hint: "Steps can only be run while their run is in progress; start a new run.",
    });
  }
  // The recorded parameters are the validated ones: the builder wires the same DAG as at launch.
  const plan = buildPlan(pipeline.name, pipeline.builder, run.parameters);
  const records = await metadata.listSteps([runId]);
  const stepIds = new Map(records.map((r) => [r.name, r.id]));
  if (!stepIds.has(step) || !plan.steps.some((s) => s.name === step)) {
    throw new ZenError(`Step '${step}' is not part of run '${run.name}'.`, {
      code: "ZEN_NOT_FOUND",
      hint: `Steps of this run: ${records.map((r) => r.name).join(", ")}.`,
    });
  }
  const listener = options.onEvent;
  const emit = (event: PipelineEvent) => {
    try {
      listener?.(event);
    } catch {
      // A broken listener must not break the step.
    }
  };
  const outcome = await executeStep(
    {
      plan,
      stack,
      components: stackComponents(stack),
      runId,
      runName: run.name,
      enableCache: run.enableCache,
      stepIds,
      emit,
      recentFiles: new RecentFiles(),
      outputs: new Map(),
    },
    step,
    options.signal ?? new AbortController().signal,
  );
  if (options.scheduleRunId !== undefined) await endTriggeredRunWhenSettled(metadata, run, plan.steps);
  return outcome;
}

/** Creates a trigger's run from the schedule's; a sibling step that created it first wins. */
async function openTriggeredRun(
  metadata: BaseMetadataStore,
  pipeline: RunnablePipeline,
  runId: string,
  scheduleRunId: string,
  stackName: string,
): Promise<RunRecord | undefined> {
  const schedule = await metadata.getRun(scheduleRunId);
  if (!schedule || schedule.id !== scheduleRunId) {
    throw new ZenError(`The scheduled run '${scheduleRunId}' is not recorded in the metadata store of stack '${stackName}'.`, {
      code: "ZEN_RUN_NOT_FOUND",
      hint: "Pass the zen run id the schedule was submitted with, and a stack that shares its metadata store.",
    });
  }
  if (schedule.pipelineName !== pipeline.name) {
    throw new ZenError(`The scheduled run '${schedule.name}' belongs to pipeline '${schedule.pipelineName}', not '${pipeline.name}'.`, {
      code: "ZEN_INVALID",
      hint: `Load pipeline '${schedule.pipelineName}' in the step's process.`,
    });
  }
  const plan = buildPlan(pipeline.name, pipeline.builder, schedule.parameters);
  try {
    await metadata.createRun({
      id: runId,
      name: `${schedule.name}-${runId}`.slice(0, 200),
      pipelineName: schedule.pipelineName,
      stack: schedule.stack,
      runtimeConfiguration: schedule.runtimeConfiguration,
      parameters: schedule.parameters,
      enableCache: schedule.enableCache,
      startedAt: new Date().toISOString(),
      zenVersion: corePackage().version,
      steps: plan.steps.map((s) => ({ id: randomUUID(), name: s.name, stepName: s.step.stepName, parameters: s.parameters, upstream: s.upstream })),
    });
    // The trigger's steps run in processes of their own: none of them owns the run.
    await metadata.releaseRun(runId);
  } catch (error) {
    const created = await metadata.getRun(runId);
    if (!created || created.id !== runId) throw error;
  }
  return metadata.getRun(runId);
}

const SETTLED: ReadonlySet<StepStatus> = new Set(["completed", "cached", "failed", "skipped", "cancelled"]);

/**
 * Ends a trigger's run once no step can still run: each step ended, or waits on a step that failed
 * (the engine does not start it). Steps left pending are skipped.
 */
async function endTriggeredRunWhenSettled(
  metadata: BaseMetadataStore,
  run: RunRecord,
  steps: readonly { name: string; upstream: readonly string[] }[],
): Promise<void> {
  const status = new Map((await metadata.listSteps([run.id])).map((r) => [r.name, r.status]));
  const upstream = new Map(steps.map((s) => [s.name, s.upstream]));
  const blocked = (name: string, seen = new Set<string>()): boolean =>
    (upstream.get(name) ?? []).some((up) => !seen.has(up) && (seen.add(up), status.get(up) === "failed" || status.get(up) === "skipped" || blocked(up, seen)));
  if (!steps.every((s) => SETTLED.has(status.get(s.name) ?? "pending") || blocked(s.name))) return;
  const failed = [...status].filter(([, s]) => s === "failed").map(([name]) => name);
  const endedAt = new Date();
  await metadata.finishRun(run.id, {
    status: failed.length > 0 ? "failed" : "completed",
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - Date.parse(run.startedAt),
    ...(failed.length > 0 ? { error: failed.map((name) => `step '${name}' failed`).join("; ") } : {}),
    unfinishedSteps: { pending: "skipped", running: "failed" },
  });
}
