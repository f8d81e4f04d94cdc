/** `@zen/integration-mlflow`: the `mlflow` experiment tracker flavor. */
export { mlflowExperimentTracker, mlflowExperimentTrackerConfig, type MlflowExperimentTrackerConfig } from "./flavors.ts";
export { MlflowExperimentTracker, type MetricOptions, type MetricPoint, type MlflowRunData, type MlflowRunRef } from "./mlflow-experiment-tracker.ts";
export { MlflowClient, MlflowApiError, type MlflowClientOptions } from "./mlflow-client.ts";
