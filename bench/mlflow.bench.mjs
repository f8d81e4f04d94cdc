// MLflow tracker figures against the MLflow server scripts/services/start.sh runs, measured on the
// BUILT packages (`pnpm build` first), in one run:
//   - 10,000 metric points (10 metrics x 1,000 steps) logged from one step through zen, vs MLflow's
//     Python client (`MlflowClient.log_batch` in requests of 1,000, and `mlflow.log_metrics` per step)
//     against the same server: points per second, and zen's ratio to log_batch (goal >= 1x)
//   - tracker overhead per step that logs nothing (goal <= 5 ms a step), and the per-run cost: a
//     20-step pipeline with and without the tracker (creating, tagging and ending the MLflow run)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (...parts) => import(pathToFileURL(path.join(here, "..", ...parts)).href);
const { createLocalStack, pipeline, step } = await load("packages", "core", "dist", "index.js");
const { MlflowExperimentTracker } = await load("integrations", "mlflow", "dist", "index.js");
const { mkdtempSync, rmSync } = await import("node:fs");
const { tmpdir } = await import("node:os");

const env = Object.fromEntries(
  readFileSync(path.join(here, "..", ".services", "env"), "utf8")
    .split("\n")
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const trackingUri = env.ZEN_MLFLOW_TRACKING_URI;
const python = path.join(env.ZEN_MLFLOW_VENV, "bin", "python");
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const METRICS = 10;
const STEPS = 1000;
const POINTS = METRICS * STEPS;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quiet = { onEvent: false, handleSignals: false };

const tracker = new MlflowExperimentTracker({
  id: "bench",
  name: "bench_tracker",
  flavor: "mlflow",
  config: { tracking_uri: trackingUri },
  configDir: tmpdir(),
});
const root = mkdtempSync(path.join(tmpdir(), "zen-bench-mlflow-"));
let stackCount = 0;
const stackWith = (components) => {
  const local = createLocalStack({ root: path.join(root, String(++stackCount)), name: "bench" });
  return {
    stack: {
      name: "bench",
      orchestrator: local.orchestrator,
      artifactStore: local.artifactStore,
      metadataStore: local.metadataStore,
      components: { ...local.components, ...components },
    },
    local,
  };
};

// ── 10,000 points through zen ──
let zenMs = 0;
const logMany = step({
  name: "log_many",
  enableCache: false,
  run: async (_i, _p, ctx) => {
    const started = performance.now();
    const timestamp = Date.now();
    for (let s = 0; s < STEPS; s++) {
      const values = {};
      for (let m = 0; m < METRICS; m++) values[`metric_${m}`] = Math.sin(s + m);
      await ctx.stack.experimentTracker.logMetrics(ctx, values, { step: s, timestamp: timestamp + s });
    }
    await ctx.stack.experimentTracker.flush(ctx);
    zenMs = performance.now() - started;
    return 0;
  },
});
const throughput = pipeline(`bench_throughput_${suffix}`, () => {
  logMany();
});
const { stack: trackedStack } = stackWith({ experiment_tracker: tracker });
await throughput.run({ stack: trackedStack, runName: `zen-${suffix}`, ...quiet });

// ── the same through MLflow's Python client ──
const PY = `
import json, os, sys, time
from mlflow import MlflowClient
import mlflow
from mlflow.entities import Metric
c = MlflowClient()
exp = c.create_experiment(sys.argv[1])
ts = int(time.time() * 1000)
run = c.create_run(exp)
t0 = time.perf_counter()
points = [Metric("metric_%d" % m, __import__("math").sin(s + m), ts + s, s) for s in range(${STEPS}) for m in range(${METRICS})]
for i in range(0, len(points), 1000):
    c.log_batch(run.info.run_id, metrics=points[i:i + 1000])
batch_ms = (time.perf_counter() - t0) * 1000
mlflow.set_experiment(experiment_id=exp)
with mlflow.start_run():
    t0 = time.perf_counter()
    for s in range(${STEPS}):
        mlflow.log_metrics({"metric_%d" % m: __import__("math").sin(s + m) for m in range(${METRICS})}, step=s, timestamp=ts + s)
    per_step_ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"batch_ms": batch_ms, "per_step_ms": per_step_ms}))
`;
const py = JSON.parse(
  execFileSync(python, ["-c", PY, `bench_python_${suffix}`], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true" },
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop(),
);
const rate = (ms) => Math.round(POINTS / (ms / 1000));
console.log(`mlflow: ${POINTS} metric points from one step: zen ${rate(zenMs)} points/s (${Math.round(zenMs)} ms)`);
console.log(
  `mlflow: Python MlflowClient.log_batch ${rate(py.batch_ms)} points/s (${Math.round(py.batch_ms)} ms); mlflow.log_metrics per step ${rate(py.per_step_ms)} points/s (${Math.round(py.per_step_ms)} ms)`,
);
console.log(`mlflow: zen / Python log_batch throughput ${(py.batch_ms / zenMs).toFixed(2)}x (goal >= 1x)`);

// ── overhead on steps that log nothing ──
// Per step: the tracker's hooks around a step that logs nothing (its step tag waits for the run's end).
const deployment = { pipelineName: `bench_overhead_${suffix}`, runName: `overhead-${suffix}`, stackName: "bench", runtimeConfiguration: {} };
await tracker.preparePipelineRun(deployment);
const STEP_COUNT = 200;
const hooksStarted = performance.now();
for (let i = 0; i < STEP_COUNT; i++) {
  const info = { pipelineName: deployment.pipelineName, runName: deployment.runName, stepName: `nothing_${i}` };
  await tracker.prepareStepRun(info);
  await tracker.cleanupStepRun(info);
}
const perStep = (performance.now() - hooksStarted) / STEP_COUNT;
const endStarted = performance.now();
await tracker.cleanupPipelineRun({ ...deployment, outcome: { status: "completed" } });
const endMs = performance.now() - endStarted;
// Per run, end to end: a 20-step pipeline of such steps with and without the tracker (medians of 5).
const nothing = step({ name: "nothing", enableCache: false, run: async () => 0 });
const chain = pipeline(`bench_chain_${suffix}`, () => {
  for (let i = 0; i < 20; i++) nothing(undefined, { name: `nothing_${i}` });
});
const timeRun = async (components, label) => {
  const { stack } = stackWith(components);
  const started = performance.now();
  await chain.run({ stack, runName: `${label}-${suffix}-${stackCount}`, ...quiet });
  return performance.now() - started;
};
const plain = [];
const tracked = [];
for (let i = 0; i < 5; i++) {
  plain.push(await timeRun({}, "plain"));
  tracked.push(await timeRun({ experiment_tracker: tracker }, "tracked"));
}
console.log(
  `mlflow: tracker overhead per step that logs nothing ${perStep.toFixed(3)} ms (goal <= 5 ms); ending the MLflow run with ${STEP_COUNT} step tags ${endMs.toFixed(0)} ms`,
);
console.log(
  `mlflow: a 20-step pipeline of such steps: ${median(plain).toFixed(0)} ms without the tracker, ${median(tracked).toFixed(0)} ms with it (creating, tagging and ending the MLflow run)`,
);
rmSync(root, { recursive: true, force: true });
