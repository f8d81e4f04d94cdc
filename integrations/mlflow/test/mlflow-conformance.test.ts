/** The experiment tracker conformance suite on the `mlflow` flavor against a real MLflow 3 server. */
import { describeExperimentTrackerConformance } from "@zen/core/testing";
import { requireMlflow } from "../../../scripts/services/service-env.ts";
import { serverRuns, tracker } from "./mlflow-test-support.ts";

describeExperimentTrackerConformance("mlflow", async () => {
  const { trackingUri } = await requireMlflow();
  return {
    tracker: tracker({ tracking_uri: trackingUri }),
    log: async (t, values, ctx) => {
      await t.logParams(ctx, values.params);
      await t.logMetrics(ctx, values.metrics);
    },
    recorded: async ({ pipelineName, runName }) => {
      const runs = await serverRuns(trackingUri, pipelineName, runName);
      if (runs.length === 0) return undefined;
      if (runs.length > 1) throw new Error(`${runs.length} MLflow runs for one pipeline run`);
      // Params are stored under `<step>.<key>`; the suite compares the keys the steps logged.
      const params = Object.fromEntries(Object.entries(runs[0]!.params).map(([k, v]) => [k.slice(k.indexOf(".") + 1), v]));
      return { params, metrics: runs[0]!.metrics };
    },
  };
});
