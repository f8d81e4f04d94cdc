import { StackComponent } from "../stack-component.ts";
import { pageOfRuns, type RunPage, type RunPageQuery } from "./run-page.ts";
import type {
  ArtifactRecord,
  NewRunRecord,
  PipelineRecord,
  RunCompletion,
  RunQuery,
  RunRecord,
  StepArtifactLink,
  StepCompletion,
  StepExecution,
  StepRecord,
} from "./run-records.ts";

export { MAX_RUN_PAGE, type RunPage, type RunPageQuery } from "./run-page.ts";

/**
 * Records pipelines, runs, steps, artifacts and lineage, and answers the post-execution queries.
 * Every method is async so that network-backed stores (MySQL) fit the same contract.
 */
export abstract class BaseMetadataStore<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "metadata_store" as const;

  // ── recording a run ────────────────────────────────────────────────────────
  /** Registers the pipeline if new, the run (`running`) and all its steps (`pending`); run names are unique. */
  abstract createRun(run: NewRunRecord): Promise<RunRecord>;
  /** Marks a pending step `running`; false if the step is no longer pending (e.g. the run was cancelled). */
  abstract markStepRunning(stepId: string, startedAt: string): Promise<boolean>;
  /** Records a step's outcome with its lineage; ignored (false) if the run already ended the step. */
  abstract completeStep(completion: StepCompletion): Promise<boolean>;
  /** Ends the run and settles every step still pending or running. */
  abstract finishRun(runId: string, completion: RunCompletion): Promise<void>;
  /**
   * Adds pages of the run in the stack's services (component type → URL) to its record, replacing a
   * link of the same type. A store that cannot keep them ignores them (readers then ask the component).
   */
  async addRunLinks(_runId: string, _links: Record<string, string>): Promise<void> {}
  /**
   * The recording process leaves a run that goes on elsewhere (an orchestrator detached it): the run
   * stays `running` and is no longer read as crashed when that process is gone. A store that does
   * not tell crashed runs apart ignores it.
   */
  async releaseRun(_runId: string): Promise<void> {}

  // ── cache ─────────────────────────────────────────────────────────────────
  /** The newest completed (not cached) execution of `stepName` in `pipelineName` with this cache key. */
  abstract findCachedExecution(query: {
    pipelineName: string;
    stepName: string;
    cacheKey: string;
    artifactStoreId: string;
  }): Promise<StepExecution | undefined>;
  /** The newest completed or cached execution of the step, whatever its cache key. */
  abstract latestExecution(query: { pipelineName: string; stepName: string }): Promise<StepExecution | undefined>;

  // ── post-execution queries ─────────────────────────────────────────────────
  abstract listPipelines(): Promise<PipelineRecord[]>;
  abstract getPipeline(name: string): Promise<PipelineRecord | undefined>;
  /** Newest first. */
  abstract listRuns(query?: RunQuery): Promise<RunRecord[]>;
  abstract countRuns(pipelineName?: string): Promise<number>;
  /**
   * One page of runs, newest first, filtered by pipeline, status (as read: a crashed run is `failed`)
   * and stack, with the number of matching runs. This default reads every run of the pipeline and
   * filters in memory; a store that can filter and page itself (by index) overrides it.
   */
  async queryRuns(query: RunPageQuery): Promise<RunPage> {
    return pageOfRuns(await this.listRuns({ pipelineName: query.pipelineName }), query);
  }
  /** By name or id. */
  abstract getRun(nameOrId: string): Promise<RunRecord | undefined>;
  /** Steps of the given runs, in the order the pipeline declared them. */
  abstract listSteps(runIds: readonly string[]): Promise<StepRecord[]>;
  abstract listStepLinks(stepIds: readonly string[]): Promise<{ inputs: StepArtifactLink[]; outputs: StepArtifactLink[] }>;
  abstract getArtifacts(ids: readonly string[]): Promise<ArtifactRecord[]>;
  /** Steps that read the artifact (lineage downstream). */
  abstract listConsumers(artifactId: string): Promise<StepArtifactLink[]>;

  /** Releases connections; the store reopens on next use. */
  async close(): Promise<void> {}
}
