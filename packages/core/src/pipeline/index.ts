/** The pipeline API of @zen/core: steps, pipelines, materializers, runs and the post-execution repository. */
export { step, isStep, isStepOutput } from "./step.ts";
export type {
  Step,
  StepInfo,
  StepSpec,
  StepContext,
  StepHooks,
  StepSuccessContext,
  StepFailureContext,
  StepOutput,
  StepCallOptions,
  StepResultOf,
  WiredInputs,
  ParametersOf,
  ParametersInput,
} from "./step.ts";
export { pipeline, isPipeline } from "./pipeline.ts";
export type { Pipeline, PipelineOptions } from "./pipeline.ts";
export type { PipelineHooks, PipelineHookContext, PipelineSuccessContext, PipelineFailureContext } from "./pipeline-hooks.ts";
export { runStepOfRun, type StepEntrypointOptions } from "./step-entrypoint.ts";
export type { PipelinePlan, PlannedStep, InputBinding } from "./plan.ts";
export { PipelineRunError, RUN_CONTROL_OPTIONS } from "./run-pipeline.ts";
export type { RunOptions, RunControlOptions } from "./run-pipeline.ts";
export {
  defineMaterializer,
  registerMaterializer,
  unregisterMaterializer,
  findMaterializer,
  isJsonValue,
  bytesMaterializer,
  stringMaterializer,
  jsonMaterializer,
} from "./materializers.ts";
export type { Materializer, MaterializerContext } from "./materializers.ts";
export { PipelineRepository, PipelineView, PipelineRunView, StepView, ArtifactView } from "./repository.ts";
export type { RepositorySources, StepOutputsOf } from "./repository.ts";
export { NoStepLogsError, STEP_LOG_LIMIT } from "./step-logs.ts";
export { createProgressReporter, formatEvent, formatDuration } from "./progress.ts";
export type { ProgressOptions, ProgressStream } from "./progress.ts";
export { loadPipelineFile, type AnyPipeline } from "./pipeline-file.ts";
export { readRunConfig, type RunConfig } from "./run-config.ts";
