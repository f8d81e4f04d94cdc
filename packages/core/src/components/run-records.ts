/** What a metadata store records about pipelines, runs, steps and artifacts (the pipeline run path in docs/architecture.md, section 7). */

export type RunStatus = "running" | "completed" | "failed" | "cancelled";

/**
 * `pending` and `running` only exist while a run is in progress; when a run ends every step is
 * `completed`, `cached`, `failed`, `skipped` (an upstream step failed) or `cancelled`.
 */
export type StepStatus = "pending" | "running" | "completed" | "cached" | "failed" | "skipped" | "cancelled";

export interface PipelineRecord {
  id: string;
  name: string;
  createdAt: string;
  runCount: number;
  lastRunAt: string | undefined;
}

/** The stack a run used: component names and flavors only (configurations may hold secret references). */
export interface RunStackInfo {
  name: string;
  components: Record<string, { name: string; flavor: string }>;
}

export interface RunRecord {
  id: string;
  name: string;
  pipelineId: string;
  pipelineName: string;
  status: RunStatus;
  stack: RunStackInfo;
  /** Runtime options given to `run()`, values of secret-looking keys masked. */
  runtimeConfiguration: Record<string, unknown>;
  parameters: Record<string, unknown>;
  enableCache: boolean;
  startedAt: string;
  endedAt: string | undefined;
  durationMs: number | undefined;
  error: string | undefined;
  zenVersion: string;
  /**
   * Pages of this run in the stack's services, by component type (e.g. `experiment_tracker`: the
   * MLflow run), as the components reported them when the run started. Absent when the store keeps none.
   */
  links?: Record<string, string> | undefined;
}

export interface StepRecord {
  id: string;
  runId: string;
  /** The step's name in the pipeline (unique per run; a step used twice gets `name_2`). */
  name: string;
  /** The step definition's name. */
  stepName: string;
  status: StepStatus;
  /** Why the step was or was not taken from the cache, e.g. "parameter lr changed". */
  cacheReason: string | undefined;
  cacheKey: string | undefined;
  codeHash: string | undefined;
  parameters: Record<string, unknown>;
  /** Names of the steps whose outputs this step consumes. */
  upstream: string[];
  startedAt: string | undefined;
  endedAt: string | undefined;
  durationMs: number | undefined;
  error: string | undefined;
}

export interface ArtifactRecord {
  id: string;
  /** The output name under which the producer step returned it. */
  name: string;
  uri: string;
  materializer: string;
  dataType: string;
  /** `sha256:<hex>` over the artifact's files. */
  contentHash: string;
  producerStepId: string;
  artifactStoreId: string;
  createdAt: string;
}

/** A step's input or output: step → name → artifact. */
export interface StepArtifactLink {
  stepId: string;
  name: string;
  artifactId: string;
}

export interface NewStepRecord {
  id: string;
  name: string;
  stepName: string;
  parameters: Record<string, unknown>;
  upstream: string[];
}

export interface NewRunRecord {
  id: string;
  name: string;
  pipelineName: string;
  stack: RunStackInfo;
  runtimeConfiguration: Record<string, unknown>;
  parameters: Record<string, unknown>;
  enableCache: boolean;
  startedAt: string;
  zenVersion: string;
  /** Every step of the run, recorded as `pending`. */
  steps: NewStepRecord[];
}

/** How a step ended: written in one transaction with its inputs, outputs and new artifacts. */
export interface StepCompletion {
  stepId: string;
  status: "completed" | "cached" | "failed";
  cacheReason?: string | undefined;
  cacheKey?: string | undefined;
  codeHash?: string | undefined;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  error?: string | undefined;
  inputs: { name: string; artifactId: string }[];
  /** Artifacts this step produced (new) … */
  newArtifacts: ArtifactRecord[];
  /** … and every output, new or reused from the cache. */
  outputs: { name: string; artifactId: string }[];
}

export interface RunCompletion {
  status: Exclude<RunStatus, "running">;
  endedAt: string;
  durationMs: number;
  error?: string | undefined;
  /** What steps still `pending` or `running` become. */
  unfinishedSteps: { pending: "skipped" | "cancelled"; running: "cancelled" | "failed" };
}

/** The last successful execution of a step, for cache lookups and for saying why a step re-ran. */
export interface StepExecution {
  step: StepRecord;
  runName: string;
  inputs: Record<string, ArtifactRecord>;
  outputs: Record<string, ArtifactRecord>;
}

export interface RunQuery {
  pipelineName?: string | undefined;
  /** Newest first. */
  limit?: number | undefined;
  offset?: number | undefined;
}
