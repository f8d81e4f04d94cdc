/** Progress of a run, emitted to the `onEvent` listener of `pipeline.run()` (the CLI renders them). */
import type { RunStatus } from "./run-records.ts";

export type PipelineEvent =
  | {
      type: "run-started";
      pipelineName: string;
      runName: string;
      runId: string;
      stackName: string;
      steps: { name: string; upstream: readonly string[] }[];
    }
  | { type: "step-started"; runName: string; step: string }
  | { type: "step-finished"; runName: string; step: string; durationMs: number; cacheReason?: string | undefined }
  | { type: "step-cached"; runName: string; step: string; reason: string }
  | { type: "step-failed"; runName: string; step: string; error: string; durationMs: number }
  | { type: "step-skipped"; runName: string; step: string; reason: string }
  /** A success or failure hook threw: a warning; the outcome it reported on stands. */
  | { type: "hook-failed"; runName: string; step?: string; hook: "onSuccess" | "onFailure"; error: string }
  | { type: "run-finished"; runName: string; status: Exclude<RunStatus, "running">; durationMs: number; error?: string };

export type PipelineEventListener = (event: PipelineEvent) => void;
