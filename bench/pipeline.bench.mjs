// Pipeline figures, measured on the BUILT @zen/core (`pnpm build` first):
//   - local orchestrator overhead per step at 1,000 steps that do nothing, as a chain and as a fan-out
//   - 10 steps of 100 ms CPU each, compared with calling the same functions directly (%)
//   - the latest run of a pipeline among 10,000 recorded runs, through the post-execution API (ms)
// Each figure is the best of a few repetitions (the machine may be busy); one line per figure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const core = await import(pathToFileURL(path.join(here, "..", "packages", "core", "dist", "index.js")).href);
const { createLocalStack, pipeline, step, PipelineRepository } = core;

const root = mkdtempSync(path.join(tmpdir(), "zen-bench-pipeline-"));
let stackCount = 0;
const freshStack = () => createLocalStack({ root: path.join(root, `stack-${stackCount++}`) });
const quiet = { onEvent: false, handleSignals: false };
const best = (values) => Math.min(...values);

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// ── per-step overhead ────────────────────────────────────────────────────────
const STEPS = 1000;
const seed = step({ name: "seed", run: async () => 0 });
const next = step({ name: "next", run: async (x) => x + 1 });
const leaf = step({ name: "leaf", run: async (x) => x });

const chain = pipeline("bench-chain", () => {
  let value = seed();
  for (let i = 1; i < STEPS; i++) value = next(value);
});
const fanOut = pipeline("bench-fan-out", () => {
  const value = seed();
  for (let i = 1; i < STEPS; i++) leaf(value);
});

async function overheadPerStep(flow) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const stack = freshStack();
    // Open the metadata store first: the figure is about steps, not about creating the database.
    await stack.metadataStore.listPipelines();
    times.push(await timed(() => flow.run({ stack, ...quiet })));
    await stack.metadataStore.close();
  }
  return best(times) / STEPS;
}

console.log(`local orchestrator overhead per step, ${STEPS}-step chain: ${(await overheadPerStep(chain)).toFixed(2)} ms (target <= 2 ms)`);
console.log(`local orchestrator overhead per step, ${STEPS}-step fan-out: ${(await overheadPerStep(fanOut)).toFixed(2)} ms (target <= 2 ms)`);

// ── CPU-bound steps vs direct calls ─────────────────────────────────────────
function spin(iterations) {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}
// Calibrate the work to about 100 ms of CPU.
let iterations = 1_000_000;
while (true) {
  const start = performance.now();
  spin(iterations);
  const ms = performance.now() - start;
  if (ms > 20) {
    iterations = Math.round((iterations * 100) / ms);
    break;
  }
  iterations *= 2;
}
const work = (previous) => (spin(iterations) + previous) % 1000;
const cpuStep = step({ name: "cpu", run: async (previous) => work(previous) });
const cpuSeed = step({ name: "cpu_seed", run: async () => work(0) });
const cpuPipeline = pipeline("bench-cpu", () => {
  let value = cpuSeed();
  for (let i = 1; i < 10; i++) value = cpuStep(value);
});

const directTimes = [];
const pipelineTimes = [];
const cpuStack = freshStack();
// One warm-up run, as a long-lived process would have had; then interleaved, best of 5.
await cpuPipeline.run({ stack: cpuStack, ...quiet, enableCache: false });
for (let i = 0; i < 5; i++) {
  directTimes.push(
    await timed(async () => {
      let value = work(0);
      for (let j = 1; j < 10; j++) value = work(value);
    }),
  );
  pipelineTimes.push(await timed(() => cpuPipeline.run({ stack: cpuStack, ...quiet, enableCache: false })));
}
await cpuStack.metadataStore.close();
const direct = best(directTimes);
const piped = best(pipelineTimes);
console.log(
  `10 steps of 100 ms CPU: ${(((piped - direct) / direct) * 100).toFixed(1)} % slower than direct calls ` +
    `(${piped.toFixed(0)} ms vs ${direct.toFixed(0)} ms; target <= 2 %)`,
);

// ── latest run among 10,000 ──────────────────────────────────────────────────
const RUNS = 10_000;
const history = freshStack();
const metadata = history.metadataStore;
const pipelines = ["bench-history", "bench-other-1", "bench-other-2", "bench-other-3"];
const stackInfo = { name: "local", components: {} };
const now = () => new Date().toISOString();
// Recorded directly through the metadata store (running 10,000 pipelines would only measure the runs).
for (let i = 0; i < RUNS - 1; i++) {
  const id = `run-${i}`;
  await metadata.createRun({
    id,
    name: id,
    pipelineName: pipelines[i % pipelines.length],
    stack: stackInfo,
    runtimeConfiguration: {},
    parameters: { i },
    enableCache: true,
    startedAt: now(),
    zenVersion: "bench",
    steps: ["load", "train", "evaluate"].map((name) => ({ id: `${id}-${name}`, name, stepName: name, parameters: {}, upstream: [] })),
  });
  await metadata.finishRun(id, { status: "completed", endedAt: now(), durationMs: 1, unfinishedSteps: { pending: "skipped", running: "failed" } });
}
// The newest run is a real one, with steps and artifacts.
const real = pipeline("bench-history", () => {
  const a = seed();
  leaf(next(a));
});
const lastRun = await real.run({ stack: history, ...quiet, runName: "the-latest" });
if ((await metadata.countRuns()) !== RUNS) throw new Error("the history does not hold the expected number of runs");

const lookups = [];
for (let i = 0; i < 30; i++) {
  const repository = PipelineRepository.forStack(history);
  let found;
  lookups.push(
    await timed(async () => {
      found = await (await repository.getPipeline("bench-history")).latestRun();
    }),
  );
  if (found?.id !== lastRun.id || found.steps.length !== 3) throw new Error("the latest run was not found");
}
lookups.sort((a, b) => a - b);
console.log(
  `latest run of a pipeline among ${RUNS} runs (post-execution API): ${lookups[Math.floor(lookups.length / 2)].toFixed(2)} ms median (target <= 20 ms)`,
);
await metadata.close();
rmSync(root, { recursive: true, force: true });
