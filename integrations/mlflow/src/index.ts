/** `@zen/integration-mlflow`: the `mlflow` experiment tracker and model deployer flavors. */
export {
  mlflowExperimentTracker,
  mlflowExperimentTrackerConfig,
  mlflowModelDeployer,
  mlflowModelDeployerConfig,
  type MlflowExperimentTrackerConfig,
  type MlflowModelDeployerConfig,
} from "./flavors.ts";
export { MlflowExperimentTracker, type MetricOptions, type MetricPoint, type MlflowRunData, type MlflowRunRef } from "./mlflow-experiment-tracker.ts";
export { MlflowClient, MlflowApiError, type MlflowClientOptions } from "./mlflow-client.ts";
export { MlflowModelDeployer, type MlflowDeployRequest, type TypeScriptModel } from "./deployer/mlflow-model-deployer.ts";
export type { PredictFunction, PredictionInput } from "./deployer/scoring-input.ts";
export { deployModel, type DeployModelOptions, type DeployedModel } from "./deployer/deploy-step.ts";
