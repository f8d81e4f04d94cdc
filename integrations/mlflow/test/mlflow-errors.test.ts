/**
 * The `mlflow` tracker when things go wrong, against real servers: nothing listening, a server that
 * never answers, the basic-auth server refusing credentials, and a retry that would change a logged
 * param. Each time the pipeline run fails with a clear reason, and nothing is half-recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { pipeline, step, type PipelineRunView } from "@zen/core";
import { conformanceStack, type ConformanceStack } from "@zen/core/testing";
import { closedPort, rejectionOf, silentServer } from "@zen/test-utils";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import type { MlflowExperimentTracker } from "../src/mlflow-experiment-tracker.ts";
import { serverRuns, tracker } from "./mlflow-test-support.ts";

let learningRate = 0.1;
const train = step({
  name: "train",
  enableCache: false,
  run: async (_i: void, _p, ctx) => {
    const t = ctx.stack.experimentTracker as MlflowExperimentTracker;
    await t.logParams(ctx, { optimizer: "adam", learning_rate: learningRate });
    await t.logMetrics(ctx, { loss: learningRate });
    return 1;
  },
});

describe("mlflow tracker errors", () => {
  let service: MlflowService;
  const stacks: ConformanceStack[] = [];
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const flow = pipeline(`errors_${suffix}`, () => {
    train();
  });
  const runOn = async (t: MlflowExperimentTracker, runName: string): Promise<PipelineRunView> => {
    const s = conformanceStack({ name: "mlflow_errors", components: { experiment_tracker: t } });
    stacks.push(s);
    return flow.run({ stack: s.stack, runName, onEvent: false, handleSignals: false });
  };

  beforeAll(async () => {
    service = await requireMlflow();
  });
  afterAll(async () => {
    for (const s of stacks) await s.dispose();
  });

  it("fails the run before any step when the server is down, naming the component and the server", async () => {
    const uri = `http://127.0.0.1:${await closedPort()}`;
    const error = await rejectionOf(runOn(tracker({ tracking_uri: uri }, "down_tracker"), `down-${suffix}`));
    expect(error.message).toContain(`experiment tracker 'down_tracker' at ${uri} is not reachable (ECONNREFUSED)`);
  }, 60_000);

  it("fails the run when the server does not answer in time", async () => {
    const silent = await silentServer();
    try {
      const error = await rejectionOf(
        runOn(tracker({ tracking_uri: `http://127.0.0.1:${silent.port}`, timeout_seconds: 1 }, "slow_tracker"), `slow-${suffix}`),
      );
      expect(error.message).toMatch(/experiment tracker 'slow_tracker' at .* did not answer .* within 1 s/);
    } finally {
      await silent.close();
    }
  }, 60_000);

  it("reports refused credentials (401) of the basic-auth server, and works with valid ones", async () => {
    const wrong = tracker({ tracking_uri: service.authTrackingUri, username: service.adminUser, password: "not-the-password" }, "auth_tracker");
    const error = await rejectionOf(runOn(wrong, `auth-wrong-${suffix}`));
    expect(error.message).toContain(`refused the credentials of experiment tracker 'auth_tracker' (HTTP 401)`);
    expect(error.message).not.toContain("not-the-password");
    const none = await rejectionOf(runOn(tracker({ tracking_uri: service.authTrackingUri }, "anonymous"), `auth-none-${suffix}`));
    expect(none.message).toContain("(HTTP 401)");

    const right = tracker({ tracking_uri: service.authTrackingUri, username: service.adminUser, password: service.adminPassword }, "auth_tracker");
    const runName = `auth-right-${suffix}`;
    expect((await runOn(right, runName)).status).toBe("completed");
    const held = await right.findRun({ pipelineName: flow.name, runName });
    expect((await right.readRun(held!.runId)).params).toEqual({ "train.optimizer": "adam", "train.learning_rate": "0.1" });
  }, 60_000);

  it("refuses a retry that changes a logged param with an explanation, recording nothing of it and marking the MLflow run failed", async () => {
    const runName = `retry-${suffix}`;
    learningRate = 0.1;
    expect((await runOn(tracker({ tracking_uri: service.trackingUri }), runName)).status).toBe("completed");
    // The retry: another process (a fresh stack and tracker) runs the same pipeline run again.
    learningRate = 0.2;
    const error = await rejectionOf(runOn(tracker({ tracking_uri: service.trackingUri }), runName));
    expect(error.message).toContain(
      "Step 'train' logged param 'train.learning_rate' = '0.2', but it was already logged as '0.1' by an earlier attempt of this run",
    );
    const runs = await serverRuns(service.trackingUri, flow.name, runName);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.params).toEqual({ "train.optimizer": "adam", "train.learning_rate": "0.1" });
    expect(runs[0]!.metrics).toEqual({ loss: 0.1 });
    expect(runs[0]!.status).toBe("FAILED");
    expect(runs[0]!.tags["zen.error"]).toContain("already logged as '0.1'");
  }, 60_000);
});
