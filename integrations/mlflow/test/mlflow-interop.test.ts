/**
 * Interop with MLflow's own Python client (MlflowClient from the venv scripts/services installs):
 * what zen logs (params, metric histories, tags, artifacts, status) is what Python reads back, and a
 * run Python logs is readable through zen.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PipelineRepository, pipeline, step } from "@zen/core";
import { conformanceStack, type ConformanceStack } from "@zen/core/testing";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import type { MlflowExperimentTracker } from "../src/mlflow-experiment-tracker.ts";
import { python, tracker } from "./mlflow-test-support.ts";

const READ_BACK = `
import json, sys, tempfile
from mlflow import MlflowClient
c = MlflowClient()
exp = c.get_experiment_by_name(sys.argv[1])
runs = c.search_runs([exp.experiment_id], filter_string="tags.\`zen.run\` = '%s'" % sys.argv[2])
r = runs[0]
hist = c.get_metric_history(r.info.run_id, "loss")
files = sorted(a.path for a in c.list_artifacts(r.info.run_id, "model"))
local = c.download_artifacts(r.info.run_id, "model/weights.json", tempfile.mkdtemp())
print(json.dumps({"count": len(runs), "status": r.info.status, "run_id": r.info.run_id, "params": r.data.params, "tags": r.data.tags,
  "history": [[m.step, m.value, m.timestamp] for m in sorted(hist, key=lambda m: m.step)], "files": files, "weights": open(local).read()}))
`;

const LOG_FROM_PYTHON = `
import json, sys, mlflow
mlflow.set_experiment(sys.argv[1])
with mlflow.start_run(run_name="from-python") as run:
    mlflow.log_params({"alpha": 0.5, "solver": "lbfgs"})
    for i in range(5):
        mlflow.log_metric("rmse", 1.0 / (i + 1), step=i)
    mlflow.set_tag("origin", "python")
print(json.dumps({"run_id": run.info.run_id}))
`;

const READ_NESTED = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient()
exp = c.get_experiment_by_name(sys.argv[1])
parents = c.search_runs([exp.experiment_id], filter_string="tags.\`zen.run\` = '%s'" % sys.argv[2])
children = c.search_runs([exp.experiment_id], filter_string="tags.mlflow.parentRunId = '%s'" % parents[0].info.run_id)
print(json.dumps({"parents": len(parents), "parent": {"status": parents[0].info.status, "params": parents[0].data.params, "tags": parents[0].data.tags},
  "children": [{"name": r.info.run_name, "status": r.info.status, "params": r.data.params, "tags": r.data.tags,
    "history": [[m.step, m.value] for m in sorted(c.get_metric_history(r.info.run_id, "loss"), key=lambda m: m.step)],
    "files": [a.path for a in c.list_artifacts(r.info.run_id)]} for r in children]}))
`;

describe("mlflow tracker interop with MLflow's Python client", () => {
  let service: MlflowService;
  let t: MlflowExperimentTracker;
  const stacks: ConformanceStack[] = [];
  const suffix = `${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    service = await requireMlflow();
    t = tracker({ tracking_uri: service.trackingUri, tags: { team: "zen-tests" } });
  });
  afterAll(async () => {
    for (const s of stacks) await s.dispose();
  });

  it("logs params, a metric history, tags and an artifact directory that MlflowClient reads back", async () => {
    const dir = makeTempDir();
    const train = step({
      name: "train",
      enableCache: false,
      run: async (_i: void, _p, ctx) => {
        const tr = ctx.stack.experimentTracker as MlflowExperimentTracker;
        await tr.logParams(ctx, { learning_rate: 0.01, epochs: 120 });
        for (let epoch = 0; epoch < 120; epoch++) await tr.logMetrics(ctx, { loss: 1 / (epoch + 1) }, { step: epoch, timestamp: 1_700_000_000_000 + epoch });
        await tr.setTags(ctx, { model_family: "linear" });
        mkdirSync(join(dir, "model", "meta"), { recursive: true });
        writeFileSync(join(dir, "model", "weights.json"), JSON.stringify({ w: [1, 2, 3] }));
        writeFileSync(join(dir, "model", "meta", "info.txt"), "zen");
        await tr.logArtifact(ctx, join(dir, "model"), "model");
        return 1;
      },
    });
    const flow = pipeline(`interop_${suffix}`, () => {
      train();
    });
    const s = conformanceStack({ name: "mlflow_interop", components: { experiment_tracker: t } });
    stacks.push(s);
    const runName = `interop-${suffix}`;
    const view = await flow.run({ stack: s.stack, runName, onEvent: false, handleSignals: false });
    expect(view.status).toBe("completed");

    const read = await python(service, service.trackingUri, READ_BACK, [flow.name, runName]);
    expect(read.count).toBe(1);
    expect(read.status).toBe("FINISHED");
    expect(read.params).toEqual({ "train.learning_rate": "0.01", "train.epochs": "120" });
    expect(read.tags).toMatchObject({
      "zen.pipeline": flow.name,
      "zen.run": runName,
      "zen.stack": "mlflow_interop",
      model_family: "linear",
      team: "zen-tests",
      "mlflow.runName": runName,
    });
    expect(read.history).toHaveLength(120);
    expect(read.history[0]).toEqual([0, 1, 1_700_000_000_000]);
    expect(read.history[119]).toEqual([119, 1 / 120, 1_700_000_000_119]);
    expect(read.files).toEqual(["model/meta", "model/weights.json"]);
    expect(JSON.parse(read.weights)).toEqual({ w: [1, 2, 3] });

    // The same run through zen: its URL, and what the server holds.
    const ref = await t.findRun({ pipelineName: flow.name, runName });
    expect(ref?.runId).toBe(read.run_id);
    const url = `${service.trackingUri}/#/experiments/${ref!.experimentId}/runs/${read.run_id}`;
    expect(await t.runUrl({ pipelineName: flow.name, runName })).toBe(url);
    // Kept with the zen run's record: the post-execution API has it without asking MLflow.
    expect(view.links).toEqual({ experiment_tracker: url });
    expect((await PipelineRepository.forStack(s.stack).getRun(runName)).links).toEqual({ experiment_tracker: url });
  }, 120_000);

  it("nested: each step that logs gets a child run (mlflow.parentRunId) with its own params, metrics and artifacts, found again on a retry", async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, "summary.txt"), "fitted");
    const fit = step({
      name: "fit",
      enableCache: false,
      run: async (_i: void, _p, ctx) => {
        const tr = ctx.stack.experimentTracker as MlflowExperimentTracker;
        await tr.logParams(ctx, { learning_rate: 0.5 });
        for (let i = 0; i < 3; i++) await tr.logMetrics(ctx, { loss: 1 / (i + 1) }, { step: i, timestamp: 1_700_000_000_000 + i });
        await tr.setTags(ctx, { phase: "fit" });
        await tr.logArtifact(ctx, join(dir, "summary.txt"));
        return 1;
      },
    });
    const quiet = step({ name: "quiet", enableCache: false, run: async (x: number) => x });
    const flow = pipeline(`nested_${suffix}`, () => {
      quiet(fit());
    });
    const runName = `nested-${suffix}`;
    const runNested = async () => {
      const nested = tracker({ tracking_uri: service.trackingUri, nested: true, tags: { team: "zen-tests" } });
      const s = conformanceStack({ name: "mlflow_nested", components: { experiment_tracker: nested } });
      stacks.push(s);
      expect((await flow.run({ stack: s.stack, runName, onEvent: false, handleSignals: false })).status).toBe("completed");
      return nested;
    };
    const nested = await runNested();
    // A retry of the same pipeline run (a fresh tracker, as in another process) logs into the same child run
    // (the same points again: MLflow keeps one of each).
    await runNested();

    const read = await python(service, service.trackingUri, READ_NESTED, [flow.name, runName]);
    expect(read.parents).toBe(1);
    expect(read.parent.status).toBe("FINISHED");
    expect(read.parent.params).toEqual({});
    expect(read.parent.tags).toMatchObject({ "zen.step.fit": "ended", "zen.step.quiet": "ended", team: "zen-tests" });
    // Only the step that logged has a child run; its params keep their own names.
    expect(read.children).toHaveLength(1);
    const [child] = read.children;
    expect(child).toMatchObject({ name: "fit", status: "FINISHED", params: { learning_rate: "0.5" }, files: ["summary.txt"] });
    expect(child.tags).toMatchObject({ "zen.step": "fit", phase: "fit", team: "zen-tests", "zen.pipeline": flow.name });
    expect(child.tags["zen.run"]).toBeUndefined();
    expect(child.history).toEqual([0, 1, 2].map((i) => [i, 1 / (i + 1)]));

    const stepRun = await nested.findStepRun({ pipelineName: flow.name, runName, stepName: "fit" });
    expect((await nested.readRun(stepRun!.runId)).tags["mlflow.parentRunId"]).toBe((await nested.findRun({ pipelineName: flow.name, runName }))!.runId);
    expect(await nested.findStepRun({ pipelineName: flow.name, runName, stepName: "quiet" })).toBeUndefined();
  }, 120_000);

  it("nested: the child run of a failed step ends FAILED with the reason, and so does the pipeline run's run", async () => {
    const failing = step({
      name: "failing",
      enableCache: false,
      run: async (_i: void, _p, ctx) => {
        await (ctx.stack.experimentTracker as MlflowExperimentTracker).logMetrics(ctx, { loss: 7 });
        throw new Error("the loss diverged");
      },
    });
    const flow = pipeline(`nested_failed_${suffix}`, () => {
      failing();
    });
    const nested = tracker({ tracking_uri: service.trackingUri, nested: true });
    const s = conformanceStack({ name: "mlflow_nested", components: { experiment_tracker: nested } });
    stacks.push(s);
    const runName = `nested-failed-${suffix}`;
    await rejectionOf(flow.run({ stack: s.stack, runName, onEvent: false, handleSignals: false }));
    const child = await nested.findStepRun({ pipelineName: flow.name, runName, stepName: "failing" });
    expect(await nested.readRun(child!.runId)).toMatchObject({
      status: "FAILED",
      metrics: { loss: 7 },
      tags: { "zen.step": "failing", "zen.error": expect.stringContaining("the loss diverged") },
    });
    expect((await nested.readRun((await nested.findRun({ pipelineName: flow.name, runName }))!.runId)).status).toBe("FAILED");
  }, 120_000);

  it("reads a run MlflowClient logged: params, tags, last metric values and a metric history", async () => {
    const logged = await python(service, service.trackingUri, LOG_FROM_PYTHON, [`from_python_${suffix}`]);
    const run = await t.readRun(logged.run_id);
    expect(run.status).toBe("FINISHED");
    expect(run.params).toEqual({ alpha: "0.5", solver: "lbfgs" });
    expect(run.tags).toMatchObject({ origin: "python", "mlflow.runName": "from-python" });
    expect(run.metrics).toEqual({ rmse: 0.2 });
    expect((await t.metricHistory(logged.run_id, "rmse")).map((p) => [p.step, p.value])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 1 / (i + 1)]));
  }, 120_000);
});
