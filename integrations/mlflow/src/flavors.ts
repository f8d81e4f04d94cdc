/**
 * The `mlflow` experiment tracker and model deployer flavors: data only. An implementation loads the
 * first time a component of its flavor is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import { mlflowExperimentTrackerConfig, mlflowModelDeployerConfig, type MlflowExperimentTrackerConfig, type MlflowModelDeployerConfig } from "./config.ts";

export {
  mlflowExperimentTrackerConfig,
  mlflowModelDeployerConfig,
  type MlflowExperimentTrackerConfig,
  type MlflowModelDeployerConfig,
} from "./config.ts";

export const mlflowExperimentTracker = defineFlavor<MlflowExperimentTrackerConfig>({
  type: "experiment_tracker",
  name: "mlflow",
  description: "Runs, params, metrics and artifacts on an MLflow tracking server (one MLflow run per pipeline run)",
  config: mlflowExperimentTrackerConfig,
  implementation: () => import("./mlflow-experiment-tracker.ts").then((m) => m.MlflowExperimentTracker),
});

export const mlflowModelDeployer = defineFlavor<MlflowModelDeployerConfig>({
  type: "model_deployer",
  name: "mlflow",
  description: "Registers model versions in MLflow's model registry and serves them locally (mlflow models serve, or Node for TypeScript models)",
  config: mlflowModelDeployerConfig,
  implementation: () => import("./deployer/mlflow-model-deployer.ts").then((m) => m.MlflowModelDeployer),
});

export default [mlflowExperimentTracker, mlflowModelDeployer];
