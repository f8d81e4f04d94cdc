/** Pipeline-level hooks: called once a run has ended and its outcome is recorded. */
import type { RunStack } from "../stack.ts";
import type { PipelineRunView } from "./repository.ts";

export interface PipelineHookContext {
  /** The stack the run used; e.g. `ctx.stack.alerter?.post({ text, severity })`. */
  stack: RunStack;
  pipelineName: string;
  runName: string;
  runId: string;
  durationMs: number;
  /** The recorded run: its steps, their statuses, durations and outputs. */
  run: PipelineRunView;
}

export interface PipelineSuccessContext extends PipelineHookContext {
  status: "completed";
}

export interface PipelineFailureContext extends PipelineHookContext {
  /** `cancelled` when the run was interrupted (signal, caller's abort). */
  status: "failed" | "cancelled";
  /** The first failed step's error, the orchestrator's, or the cancellation's reason. */
  error: Error;
  /** Steps that failed, with their recorded error text. */
  failedSteps: { step: string; error: string }[];
}

/**
 * Called after the run's outcome is recorded and before the components' `cleanupPipelineRun`. A hook
 * that throws (or rejects) is reported as a warning (`hook-failed`) and does not change the run's outcome;
 * a returned promise is awaited, its value ignored.
 */
export interface PipelineHooks {
  onSuccess?: (ctx: PipelineSuccessContext) => unknown;
  onFailure?: (ctx: PipelineFailureContext) => unknown;
}
