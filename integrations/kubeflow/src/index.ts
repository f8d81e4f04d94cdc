/** @zen/integration-kubeflow: the `kubeflow` orchestrator flavor, its KFP v2 compiler and API client. */
export { kubeflowOrchestrator } from "./flavors.ts";
export { kubeflowOrchestratorConfig, podSettingsSchema, DEFAULT_TIMEOUT_SECONDS, type KubeflowOrchestratorConfig, type PodSettings } from "./config.ts";
export { kubeflowStackIssues } from "./stack-checks.ts";
export {
  compilePipeline,
  pipelinePackageText,
  SCHEMA_VERSION,
  RUN_ID_INPUT,
  JOB_NAME_PLACEHOLDER,
  JOB_ID_PLACEHOLDER,
  DEFAULT_STEP_COMMAND,
  type CompileOptions,
  type CompiledPipeline,
  type CompilableDag,
} from "./compile.ts";
export { kfpName, taskNames, DNS_NAME } from "./kfp-names.ts";
export { pipelineSpecProblems, assertValidPipelineSpec } from "./spec-checks.ts";
export { buildStepImage, planStepImage, stepImageSpec, DEFAULT_BASE_IMAGE, type StepImageOptions } from "./step-image.ts";
export {
  KfpClient,
  KFP_FINAL_STATES,
  type KfpClientOptions,
  type KfpRun,
  type KfpRunState,
  type KfpPipeline,
  type KfpPipelineVersion,
  type RunRequest,
} from "./kfp-client.ts";
export { submitPipeline, followRun, type Submission, type Submitted, type FollowOptions } from "./submit.ts";
export { KubeflowOrchestrator, PIPELINE_FILE_KEY } from "./kubeflow-orchestrator.ts";
