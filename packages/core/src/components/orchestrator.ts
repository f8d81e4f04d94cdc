import { StackComponent, type PipelineDeployment } from "../stack-component.ts";
import type { PipelineEvent } from "../pipeline/events.ts";
import type { RunStatus } from "../pipeline/records.ts";

/** A step of the DAG handed to an orchestrator: its name and the steps it waits for. */
export interface StepNode {
  name: string;
  upstream: readonly string[];
}

/** How one step ended. `executeStep` never throws for a step's own failure: it reports it here. */
export interface StepOutcome {
  status: "completed" | "cached" | "failed" | "cancelled";
  durationMs: number;
  /** Why the step was or was not cached. */
  cacheReason?: string | undefined;
  error?: Error | undefined;
}

/** Everything an orchestrator needs to run one pipeline run. */
export interface OrchestratorRun {
  deployment: PipelineDeployment;
  runId: string;
  /** In a topological order (every step after its upstream steps). */
  steps: readonly StepNode[];
  /**
   * Runs one step in this process: cache lookup, inputs, the step, outputs, metadata. It emits
   * `step-started` itself when the step's code really runs; the orchestrator emits the outcome events.
   */
  executeStep(name: string, signal: AbortSignal): Promise<StepOutcome>;
  /** Progress events for listeners (the CLI's live view). */
  emit(event: PipelineEvent): void;
  /** Aborted when the run is cancelled (SIGINT/SIGTERM or the caller's signal). */
  signal: AbortSignal;
}

export interface OrchestratorResult {
  status: Exclude<RunStatus, "running">;
  failed: { step: string; error: Error }[];
  /** Steps not started because an upstream step failed. */
  skipped: string[];
}

/** Runs the steps of a pipeline. Remote orchestrators submit the DAG; the local one runs it in process. */
export abstract class BaseOrchestrator<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "orchestrator" as const;

  abstract runPipeline(run: OrchestratorRun): Promise<OrchestratorResult>;
}
