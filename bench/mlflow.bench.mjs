// MLflow tracker figures against the MLflow server scripts/services/start.sh runs, measured on the
// BUILT packages (`pnpm build` first), in one run:
//   - 10,000 metric points (10 metrics x 1,000 steps) logged from one step through zen, vs MLflow's
//     Python client (`MlflowClient.log_batch` in requests of 1,000) against the same server, in
//     alternating rounds (zen, Python, zen, Python, ...) so that both meet the same machine load:
//     points per second (medians) and zen's ratio to log_batch (goal >= 1x); also Python's
//     `mlflow.log_metrics` once per step (one request per step), on fewer points
//   - tracker overhead per step that logs nothing (goal <= 5 ms a step), and the per-run cost: a
//     20-step pipeline with and without the tracker (creating, tagging and ending the MLflow run)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
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
const PER_STEP_STEPS = 100;
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

// ── 10,000 points, zen and Python's MlflowClient in alternating rounds ──
const ROUNDS = 3;
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

// One Python process for every round (importing mlflow takes seconds): a command per line, a JSON answer per line.
const PY = `
import json, math, sys, time
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric
c = MlflowClient()
exp = c.create_experiment(sys.argv[1])
print("ZEN_BENCH", json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    command = line.strip()
    ts = int(time.time() * 1000)
    if command == "batch":
        run = c.create_run(exp)
        t0 = time.perf_counter()
        points = [Metric("metric_%d" % m, math.sin(s + m), ts + s, s) for s in range(${STEPS}) for m in range(${METRICS})]
        for i in range(0, len(points), 1000):
            c.log_batch(run.info.run_id, metrics=points[i:i + 1000])
        ms = (time.perf_counter() - t0) * 1000
        c.set_terminated(run.info.run_id)
    elif command == "per_step":
        mlflow.set_experiment(experiment_id=exp)
        with mlflow.start_run():
            t0 = time.perf_counter()
            for s in range(${PER_STEP_STEPS}):
                mlflow.log_metrics({"metric_%d" % m: math.sin(s + m) for m in range(${METRICS})}, step=s, timestamp=ts + s)
            ms = (time.perf_counter() - t0) * 1000
    print("ZEN_BENCH", json.dumps({"ms": ms}), flush=True)
`;
const child = spawn(python, ["-c", PY, `bench_python_${suffix}`], {
  env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true" },
  stdio: ["pipe", "pipe", "inherit"],
});
const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
// MLflow prints its own lines (e.g. "View run ... at ..."): answers are the lines marked ZEN_BENCH.
const answer = async () => {
  for (;;) {
    const { value, done } = await answers.next();
    if (done) throw new Error("the Python MLflow client exited early");
    if (value.startsWith("ZEN_BENCH ")) return JSON.parse(value.slice("ZEN_BENCH ".length));
  }
};
const pythonRound = async (command) => {
  child.stdin.write(`${command}\n`);
  return (await answer()).ms;
};
await answer();

const zenRounds = [];
const pythonRounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const { stack } = stackWith({ experiment_tracker: tracker });
  await throughput.run({ stack, runName: `zen-${suffix}-${round}`, ...quiet });
  zenRounds.push(zenMs);
  pythonRounds.push(await pythonRound("batch"));
}
const perStepMs = await pythonRound("per_step");
child.stdin.end();

const rate = (ms, points = POINTS) => Math.round(points / (ms / 1000));
const rates = (list) => list.map((ms) => rate(ms)).join(", ");
console.log(`mlflow: ${POINTS} metric points from one step, ${ROUNDS} alternating rounds each:`);
console.log(`mlflow:   zen ${rate(median(zenRounds))} points/s median (rounds: ${rates(zenRounds)})`);
console.log(`mlflow:   Python MlflowClient.log_batch ${rate(median(pythonRounds))} points/s median (rounds: ${rates(pythonRounds)})`);
console.log(
  `mlflow:   zen / Python log_batch ${(median(pythonRounds) / median(zenRounds)).toFixed(2)}x (goal >= 1x; per round: ${zenRounds
    .map((z, i) => (pythonRounds[i] / z).toFixed(2))
    .join(", ")})`,
);
console.log(`mlflow:   Python mlflow.log_metrics once per step: ${rate(perStepMs, PER_STEP_STEPS * METRICS)} points/s (${PER_STEP_STEPS * METRICS} points)`);

// ── overhead on steps that log nothing ──
// Per step: the tracker's hooks around a step that logs nothing (its step tag waits for the run's end;
// nested, such a step gets no child run).
const STEP_COUNT = 200;
const hooksPerStep = async (t, label) => {
  const deployment = { pipelineName: `bench_overhead_${suffix}`, runName: `${label}-${suffix}`, stackName: "bench", runtimeConfiguration: {} };
  await t.preparePipelineRun(deployment);
  const started = performance.now();
  for (let i = 0; i < STEP_COUNT; i++) {
    const info = { pipelineName: deployment.pipelineName, runName: deployment.runName, stepName: `nothing_${i}` };
    await t.prepareStepRun(info);
    await t.cleanupStepRun(info);
  }
  const perStep = (performance.now() - started) / STEP_COUNT;
  const endStarted = performance.now();
  await t.cleanupPipelineRun({ ...deployment, outcome: { status: "completed" } });
  return { perStep, endMs: performance.now() - endStarted };
};
const { perStep, endMs } = await hooksPerStep(tracker, "overhead");
const nestedTracker = new MlflowExperimentTracker({
  id: "bench-nested",
  name: "bench_nested",
  flavor: "mlflow",
  config: { tracking_uri: trackingUri, nested: true },
  configDir: tmpdir(),
});
const nested = await hooksPerStep(nestedTracker, "nested");
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
  `mlflow: tracker overhead per step that logs nothing ${perStep.toFixed(3)} ms (goal <= 5 ms; nested ${nested.perStep.toFixed(3)} ms); ` +
    `ending the MLflow run with ${STEP_COUNT} step tags ${endMs.toFixed(0)} ms`,
);
console.log(
  `mlflow: a 20-step pipeline of such steps: ${median(plain).toFixed(0)} ms without the tracker, ` +
    `${median(tracked).toFixed(0)} ms with it (creating, tagging and ending the MLflow run)`,
);
rmSync(root, { recursive: true, force: true });
