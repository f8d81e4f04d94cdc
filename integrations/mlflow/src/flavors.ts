/**
 * The `mlflow` experiment tracker flavor: data only. The implementation loads the first time an
 * `mlflow` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import { mlflowExperimentTrackerConfig, type MlflowExperimentTrackerConfig } from "./config.ts";

export { mlflowExperimentTrackerConfig, type MlflowExperimentTrackerConfig } from "./config.ts";

export const mlflowExperimentTracker = defineFlavor<MlflowExperimentTrackerConfig>({
  type: "experiment_tracker",
  name: "mlflow",
  description: "Runs, params, metrics and artifacts on an MLflow tracking server (one MLflow run per pipeline run)",
  config: mlflowExperimentTrackerConfig,
  implementation: () => import("./mlflow-experiment-tracker.ts").then((m) => m.MlflowExperimentTracker),
});

export default [mlflowExperimentTracker];
