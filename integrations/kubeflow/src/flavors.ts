/**
 * The `kubeflow` orchestrator flavor: data only. The implementation (compiler, image build, KFP API
 * client) loads the first time a `kubeflow` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import { kubeflowOrchestratorConfig, type KubeflowOrchestratorConfig } from "./config.ts";
import { kubeflowStackIssues } from "./stack-checks.ts";

export const kubeflowOrchestrator = defineFlavor<KubeflowOrchestratorConfig>({
  type: "orchestrator",
  name: "kubeflow",
  description: "Runs pipelines on Kubeflow Pipelines v2: each step in a pod of an image built without Docker",
  config: kubeflowOrchestratorConfig,
  implementation: () => import("./kubeflow-orchestrator.ts").then((m) => m.KubeflowOrchestrator),
  validateStack: kubeflowStackIssues,
});

export default [kubeflowOrchestrator];
