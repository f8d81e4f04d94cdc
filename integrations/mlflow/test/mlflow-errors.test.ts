/**
 * The `mlflow` tracker when things go wrong, against real servers: nothing listening, a server that
 * never answers, the basic-auth server refusing credentials (401) or access (403), an https server with a self-signed
 * certificate (refused unless `insecure_tls`), and a retry that would change a logged param. Each
 * time the pipeline run fails with a clear reason, and nothing is half-recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PipelineRepository, pipeline, step, type PipelineRunView } from "@zen/core";
import { conformanceStack, type ConformanceStack } from "@zen/core/testing";
import { closedPort, makeTempDir, rejectionOf, silentServer } from "@zen/test-utils";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import { mlflowExperimentTrackerConfig } from "../src/config.ts";
import type { MlflowExperimentTracker } from "../src/mlflow-experiment-tracker.ts";
import { mlflowProxy, serverRuns, tracker } from "./mlflow-test-support.ts";

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
  const runOn = async (t: MlflowExperimentTracker, runName: string, which = flow): Promise<PipelineRunView> => {
    const s = conformanceStack({ name: "mlflow_errors", components: { experiment_tracker: t } });
    stacks.push(s);
    return which.run({ stack: s.stack, runName, onEvent: false, handleSignals: false });
  };
  /** The zen run's record (the post-execution API), from the stack of the last run. */
  const recorded = (runName: string) => PipelineRepository.forStack(stacks.at(-1)!.stack).getRun(runName);

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
    const run = await recorded(`down-${suffix}`);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("is not reachable (ECONNREFUSED)");
    expect(run.steps.map((s) => s.status)).toEqual(["skipped"]);
  }, 60_000);

  it("fails the run when the server does not answer in time", async () => {
    const silent = await silentServer();
    try {
      const error = await rejectionOf(
        runOn(tracker({ tracking_uri: `http://127.0.0.1:${silent.port}`, timeout_seconds: 1 }, "slow_tracker"), `slow-${suffix}`),
      );
      expect(error.message).toMatch(/experiment tracker 'slow_tracker' at .* did not answer .* within 1 s/);
      expect(await recorded(`slow-${suffix}`)).toMatchObject({ status: "failed", error: expect.stringMatching(/did not answer .* within 1 s/) });
      // The same over https without certificate checks (its own request path).
      const insecure = tracker({ tracking_uri: `https://127.0.0.1:${silent.port}`, insecure_tls: true, timeout_seconds: 1 }, "slow_tracker");
      const tlsError = await rejectionOf(runOn(insecure, `slow-tls-${suffix}`));
      expect(tlsError.message).toMatch(/experiment tracker 'slow_tracker' at https:.* did not answer .* within 1 s/);
    } finally {
      await silent.close();
    }
  }, 60_000);

  it("reports refused credentials (401) of the basic-auth server, and works with valid ones", async () => {
    const wrong = tracker({ tracking_uri: service.authTrackingUri, username: service.adminUser, password: "not-the-password" }, "auth_tracker");
    const error = await rejectionOf(runOn(wrong, `auth-wrong-${suffix}`));
    expect(error.message).toContain(`refused the credentials of experiment tracker 'auth_tracker' (HTTP 401)`);
    expect(error.message).not.toContain("not-the-password");
    expect(await recorded(`auth-wrong-${suffix}`)).toMatchObject({ status: "failed", error: expect.stringContaining("(HTTP 401)") });
    const admin = { user: service.adminUser, password: service.adminPassword };
    expect(await serverRuns(service.authTrackingUri, flow.name, `auth-wrong-${suffix}`, admin)).toEqual([]);
    const none = await rejectionOf(runOn(tracker({ tracking_uri: service.authTrackingUri }, "anonymous"), `auth-none-${suffix}`));
    expect(none.message).toContain("(HTTP 401)");

    const right = tracker({ tracking_uri: service.authTrackingUri, username: service.adminUser, password: service.adminPassword }, "auth_tracker");
    const runName = `auth-right-${suffix}`;
    expect((await runOn(right, runName)).status).toBe("completed");
    const held = await right.findRun({ pipelineName: flow.name, runName });
    expect((await right.readRun(held!.runId)).params).toEqual({ "train.optimizer": "adam", "train.learning_rate": "0.1" });
  }, 60_000);

  it("reports denied access (403) for a user who may read the experiment but not write to it; nothing is recorded", async () => {
    const admin = { user: service.adminUser, password: service.adminPassword };
    const adminCall = async (path: string, body: Record<string, unknown>) => {
      const answer = await fetch(`${service.authTrackingUri}/api/2.0/mlflow/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString("base64")}` },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(200);
    };
    // A new user gets the basic-auth server's default permission: READ.
    const username = `reader${process.pid}${Date.now()}`;
    const password = `Reader-${suffix}-pw`;
    const experiment = `read_only_${suffix}`;
    await adminCall("users/create", { username, password });
    await adminCall("experiments/create", { name: experiment });
    const reader = tracker({ tracking_uri: service.authTrackingUri, username, password, experiment_name: experiment }, "reader_tracker");
    const runName = `denied-${suffix}`;
    const error = await rejectionOf(runOn(reader, runName));
    expect(error.message).toContain("denied access of experiment tracker 'reader_tracker' (HTTP 403) on POST runs/create");
    expect(error.hint).toMatch(/permission on the experiment/);
    expect(await recorded(runName)).toMatchObject({ status: "failed", error: expect.stringContaining("(HTTP 403)") });
    expect(await serverRuns(service.authTrackingUri, experiment, runName, admin)).toEqual([]);
  }, 60_000);

  it("refuses an https server's self-signed certificate with a clear error, and works through it with insecure_tls", async () => {
    const proxy = await mlflowProxy(service.trackingUri, { tls: true });
    try {
      const strict = await rejectionOf(runOn(tracker({ tracking_uri: proxy.url }, "tls_tracker"), `tls-strict-${suffix}`));
      expect(strict.message).toContain(`experiment tracker 'tls_tracker' at ${proxy.url} presented a certificate that is not trusted (`);
      expect(strict.hint).toMatch(/NODE_EXTRA_CA_CERTS.*insecure_tls/);
      expect(await serverRuns(service.trackingUri, flow.name, `tls-strict-${suffix}`)).toEqual([]);

      const insecure = tracker({ tracking_uri: proxy.url, insecure_tls: true }, "tls_tracker");
      const runName = `tls-insecure-${suffix}`;
      expect((await runOn(insecure, runName)).status).toBe("completed");
      const runs = await serverRuns(service.trackingUri, flow.name, runName);
      expect(runs.map((r) => [r.status, r.params, r.metrics])).toEqual([
        ["FINISHED", { "train.optimizer": "adam", "train.learning_rate": "0.1" }, { loss: 0.1 }],
      ]);
      // The artifact proxy answers through the same connection settings.
      const dir = makeTempDir();
      writeFileSync(join(dir, "notes.txt"), "through tls");
      const ctx = { pipelineName: flow.name, runName, stepName: "train" };
      await insecure.logArtifact(ctx, join(dir, "notes.txt"), "docs");
      const ref = await insecure.findRun(ctx);
      const root = ref!.artifactUri.replace(/^mlflow-artifacts:\/+/, "");
      expect(new TextDecoder().decode(await insecure.client.downloadArtifact(root, "docs/notes.txt"))).toBe("through tls");
    } finally {
      await proxy.close();
    }
    expect(mlflowExperimentTrackerConfig.safeParse({ tracking_uri: service.trackingUri, insecure_tls: true }).error?.issues[0]?.message).toBe(
      "insecure_tls applies to an https tracking_uri only",
    );
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
    expect(await recorded(runName)).toMatchObject({ status: "failed", error: expect.stringContaining("MLflow never changes a logged param") });
    const runs = await serverRuns(service.trackingUri, flow.name, runName);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.params).toEqual({ "train.optimizer": "adam", "train.learning_rate": "0.1" });
    expect(runs[0]!.metrics).toEqual({ loss: 0.1 });
    expect(runs[0]!.status).toBe("FAILED");
    expect(runs[0]!.tags["zen.error"]).toContain("already logged as '0.1'");
  }, 60_000);

  it("nested: a retry that changes a param is refused the same way, and the step's child run ends FAILED with the reason", async () => {
    const runName = `retry-nested-${suffix}`;
    learningRate = 0.1;
    const first = tracker({ tracking_uri: service.trackingUri, nested: true });
    expect((await runOn(first, runName)).status).toBe("completed");
    learningRate = 0.2;
    const retry = tracker({ tracking_uri: service.trackingUri, nested: true });
    const error = await rejectionOf(runOn(retry, runName));
    expect(error.message).toContain("Step 'train' logged param 'learning_rate' = '0.2', but it was already logged as '0.1' by an earlier attempt");
    const child = await retry.findStepRun({ pipelineName: flow.name, runName, stepName: "train" });
    expect(await retry.readRun(child!.runId)).toMatchObject({
      status: "FAILED",
      params: { optimizer: "adam", learning_rate: "0.1" },
      metrics: { loss: 0.1 },
      tags: { "zen.error": expect.stringContaining("already logged as '0.1'") },
    });
  }, 60_000);

  it("fails the step when the server goes away while it logs: the run is failed with the reason, only what was sent before is on the server", async () => {
    const proxy = await mlflowProxy(service.trackingUri);
    const vanishing = step({
      name: "vanishing",
      enableCache: false,
      run: async (_i: void, _p, ctx) => {
        const t = ctx.stack.experimentTracker as MlflowExperimentTracker;
        await t.logParams(ctx, { phase: "before" });
        await t.flush(ctx);
        await proxy.close();
        // The first full request fails on its way while the step keeps logging; the next full one reports it.
        for (let i = 0; i < 2500; i++) await t.logMetrics(ctx, { loss: i }, { step: i });
        return 1;
      },
    });
    const vanish = pipeline(`vanish_${suffix}`, () => {
      vanishing();
    });
    const runName = `vanish-${suffix}`;
    const error = await rejectionOf(runOn(tracker({ tracking_uri: proxy.url }, "vanishing_tracker"), runName, vanish));
    expect(error.message).toContain(`experiment tracker 'vanishing_tracker' at ${proxy.url} is not reachable (ECONNREFUSED)`);
    const run = await recorded(runName);
    expect(run.status).toBe("failed");
    expect(run.getStep("vanishing")).toMatchObject({ status: "failed", error: expect.stringContaining("is not reachable") });
    const runs = await serverRuns(service.trackingUri, vanish.name, runName);
    expect(runs.map((r) => [r.params, r.metrics])).toEqual([[{ "vanishing.phase": "before" }, {}]]);
    // The server was gone when the run ended: MLflow still shows it running (a retry continues it).
    expect(runs[0]!.status).toBe("RUNNING");
  }, 60_000);
});
