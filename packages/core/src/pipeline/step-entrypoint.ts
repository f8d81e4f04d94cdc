/**
 * The step entrypoint: runs one step of a run that `pipeline.run()` recorded, in another process (a
 * container a remote orchestrator started, a worker). It rebuilds the DAG from the run's recorded
 * parameters, reads upstream outputs from the metadata store, and records the step's outcome there,
 * where the launching process reads it back (`run.poll()`). Same step runner as a local run.
 */
import type { StepOutcome } from "../components/orchestrator.ts";
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
  /** The run's id, as the orchestrator received it (`run.runId`). */
  runId: string;
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
  const run = await metadata.getRun(runId);
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
  return executeStep(
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
}
