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
  DEFAULT_STEP_COMMAND,
  type CompileOptions,
  type CompiledPipeline,
  type CompilableDag,
} from "./compile.ts";
export { kfpName, taskNames, DNS_NAME } from "./kfp-names.ts";
export { pipelineSpecProblems, assertValidPipelineSpec } from "./spec-checks.ts";
