/**
 * The orchestrator contract. An orchestrator decides where and when each step runs; the core runs a
 * step (`run.runStep`, or `runStepOfRun` in another process) and reports its outcome: metadata
 * records, cache, progress events, hooks. No orchestrator maps outcomes to events itself.
 */
import type { ComponentType } from "../component-types.ts";
import { StackComponent, type PipelineDeployment } from "../stack-component.ts";
import type { StepStatus } from "./run-records.ts";

/** A step of the DAG handed to an orchestrator: its name and the steps it waits for. */
export interface StepNode {
  name: string;
  upstream: readonly string[];
}

/** How one step ended, as the core recorded and reported it. */
export interface StepOutcome {
  step: string;
  /**
   * `skipped`: an upstream step did not complete, so the step was not run. `cancelled`: the run was
   * cancelled (or already ended) before the step's outcome could be recorded.
   */
  status: "completed" | "cached" | "failed" | "skipped" | "cancelled";
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
  /** The run's stack components by type, e.g. the container registry a remote orchestrator pushes its step image to. */
  components: Readonly<Partial<Record<ComponentType, StackComponent>>>;
  /** Aborted when the run is cancelled (SIGINT/SIGTERM or the caller's signal): start no further step. */
  signal: AbortSignal;
  /**
   * Runs one step in this process and reports its outcome (records, events, hooks); resolves with
   * it and never rejects. Call it once per step, after the `runStep` of each upstream step resolved:
   * a step whose upstream step did not complete resolves `skipped` without running.
   */
  runStep(name: string): Promise<StepOutcome>;
  /**
   * For steps run elsewhere (each one calls `runStepOfRun` with this run's id and its step name):
   * reads the steps' state from the metadata store, reports what changed since the last call
   * (progress events), and resolves with every step's status. Call it while waiting for the remote
   * run; the core calls it once more after `runPipeline` returns.
   */
  poll(): Promise<Record<string, StepStatus>>;
  /**
   * A cron expression (`zen pipeline run --schedule`): run the pipeline on that schedule instead of
   * now. Only set for an orchestrator whose `supportsSchedules` is true (the core refuses a schedule
   * for any other before recording anything); `runPipeline` then registers the schedule and returns
   * a `DetachedRun`.
   */
  schedule?: string | undefined;
}

/**
 * What `runPipeline` returns when the run goes on without this process: submitted and not followed,
 * or scheduled. The core then leaves the run recorded as `running` (remote steps record their own
 * outcomes), runs no success or failure hook, and `pipeline.run()` resolves with the run as it is.
 */
export interface DetachedRun {
  detached: true;
}

/** A run as the orchestrator's own system reports it (`zen pipeline runs describe`). */
export interface RemoteRunState {
  /** The system, e.g. "Kubeflow Pipelines". */
  system: string;
  id?: string | undefined;
  url?: string | undefined;
  /** Its state there, in its own words (e.g. `RUNNING`, `SUCCEEDED`, `ENABLED` for a schedule). */
  state?: string | undefined;
  /** Why the state could not be read (e.g. the API is unreachable); what is known is still given. */
  problem?: string | undefined;
}

/** A run as `zen pipeline run --dry-run` hands it to the orchestrator: nothing is recorded, sent or pushed. */
export interface OrchestratorDryRun extends Pick<OrchestratorRun, "deployment" | "steps" | "components" | "schedule"> {
  /** Where to write what would be submitted (e.g. a compiled pipeline spec). */
  outDir: string;
}

/** What a dry run wrote and what it would do, in lines for the user. */
export interface OrchestratorDryRunReport {
  files: string[];
  summary: string[];
}

/**
 * Runs the steps of a pipeline. The local orchestrator calls `run.runStep` for each step in this
 * process; a remote one submits the DAG, each remote step runs the core's step entrypoint, and it
 * follows the run with `run.poll()`. `runPipeline` resolves when every step has ended (or the run
 * was cancelled); the core then derives the run's outcome from the steps' outcomes. Throw only when
 * the orchestrator itself fails (e.g. a submission is refused): the run is then recorded as failed
 * with that error. A remote orchestrator may instead return a `DetachedRun` once the run is submitted
 * (not followed, or scheduled): the run stays recorded as `running`.
 */
export abstract class BaseOrchestrator<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "orchestrator" as const;

  /** Whether `runPipeline` accepts `run.schedule`; without it, `zen pipeline run --schedule` is refused. */
  readonly supportsSchedules: boolean = false;

  abstract runPipeline(run: OrchestratorRun): Promise<void | DetachedRun>;

  /**
   * Optional: the state of a run this orchestrator submitted, as its own system reports it now
   * (`links` as recorded with the run, e.g. the `orchestrator` page it added); undefined when it has none.
   */
  remoteRunState?(run: { id: string; name: string; pipelineName: string; links?: Readonly<Record<string, string>> }): Promise<RemoteRunState | undefined>;

  /** Optional: what `runPipeline` would send where, without sending, pushing or recording anything. */
  dryRun?(run: OrchestratorDryRun): Promise<OrchestratorDryRunReport>;
}
