// Dashboard figures, measured on the BUILT packages (`pnpm build` first):
//   - the runs list API over 10,000 runs: one page of 50, the first, a deep one, and filtered by pipeline, status and stack (ms)
//   - a 1,000-step run's page in headless Chromium: navigation to the first DAG painted (ms; target <= 1.5 s)
//   - `zen dashboard` from start to serving its first page (ms; target <= 1 s)
// Medians of several repetitions; one line per figure. Chromium: Debian's (scripts/services/install.sh) or ZEN_CHROMIUM.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..");
const load = (file) => import(pathToFileURL(path.join(root, file)).href);
const { Zen, pipeline, step } = await load("packages/core/dist/index.js");
const { startDashboard } = await load("packages/dashboard/dist/index.js");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const base = mkdtempSync(path.join(tmpdir(), "zen-bench-dashboard-"));
const project = path.join(base, "project");
mkdirSync(path.join(project, "node_modules", "@zen"), { recursive: true });
symlinkSync(path.join(root, "packages/core"), path.join(project, "node_modules/@zen/core"));
symlinkSync(path.join(root, "packages/dashboard"), path.join(project, "node_modules/@zen/dashboard"));
const env = { PATH: process.env.PATH ?? "", HOME: base, ZEN_CONFIG_PATH: path.join(base, "config"), NO_COLOR: "1" };
const zen = await Zen.open({ cwd: project, env, onNotice: () => {} });
const stack = await zen.loadStack();
const metadata = stack.metadataStore;

// ── 10,000 runs (recorded through the store; running them would only measure the runs) ─────────
const RUNS = 10_000;
const now = () => new Date().toISOString();
const pipelines = ["train", "evaluate", "ingest", "report"];
for (let i = 0; i < RUNS - 1; i++) {
  const id = `run-${i}`;
  await metadata.createRun({
    id,
    name: id,
    pipelineName: pipelines[i % pipelines.length],
    stack: { name: i % 3 === 0 ? "gpu" : "default", components: {} },
    runtimeConfiguration: {},
    parameters: { i },
    enableCache: true,
    startedAt: now(),
    zenVersion: "bench",
    steps: [{ id: `${id}-s`, name: "s", stepName: "s", parameters: {}, upstream: [] }],
  });
  await metadata.finishRun(id, {
    status: i % 10 === 0 ? "failed" : "completed",
    endedAt: now(),
    durationMs: 1,
    unfinishedSteps: { pending: "skipped", running: "failed" },
  });
}
// The newest run is a real one of 1,000 steps: a seed, 499 `a` steps fanned out from it, a `b` after each, a check.
const seed = step({ name: "seed", run: async () => 1 });
const check = step({ name: "check", run: async (n) => n === 1 });
const a = step({ name: "a", run: async (n) => n + 1 });
const b = step({ name: "b", run: async (n) => n * 2 });
const wide = pipeline("wide", () => {
  const r = seed();
  check(r);
  for (let i = 0; i < 499; i++) b(a(r));
});
const big = await wide.run({ stack, onEvent: false, handleSignals: false });
if (big.steps.length !== 1000 || (await metadata.countRuns()) !== RUNS) throw new Error("the history is not what the bench expects");
await metadata.close();

const dashboard = await startDashboard({ zen, port: 0 });
async function timedPage(query) {
  const times = [];
  let body;
  for (let i = 0; i < 31; i++) {
    const start = performance.now();
    body = await (await fetch(`${dashboard.url}api/runs?${query}`)).json();
    times.push(performance.now() - start);
  }
  return { ms: median(times.slice(1)), body };
}
const first = await timedPage("limit=50");
const deep = await timedPage("limit=50&before=run-5000");
const filtered = await timedPage("limit=50&pipeline=train&status=failed&stack=gpu");
if (first.body.total !== RUNS || deep.body.runs[0].id !== "run-4999" || filtered.body.runs.length !== 50) throw new Error("unexpected pages");
console.log(
  `runs list API over ${RUNS} runs, a page of 50 (HTTP, median): first ${first.ms.toFixed(1)} ms, deep ${deep.ms.toFixed(1)} ms, ` +
    `filtered by pipeline+status+stack ${filtered.ms.toFixed(1)} ms (target <= 50 ms)`,
);

// ── the 1,000-step run's page in headless Chromium ────────────────────────────────────────────
const chromiumPath = process.env.ZEN_CHROMIUM ?? serviceValue("ZEN_CHROMIUM") ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.log(`1,000-step run page: skipped, no Chromium at ${chromiumPath} (bash scripts/services/install.sh)`);
} else {
  const { chromium } = createRequire(path.join(root, "packages/dashboard/package.json"))("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  const paints = [];
  const expands = [];
  for (let i = 0; i < 6; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`${dashboard.url}#/runs/${big.id}`);
    await page.waitForSelector("svg.dag g.group");
    paints.push(performance.now() - start);
    const expand = performance.now();
    await page.getByRole("button", { name: "expand all" }).click();
    await page.waitForFunction(() => document.querySelectorAll("svg.dag g.node").length === 1000);
    expands.push(performance.now() - expand);
    await context.close();
  }
  await browser.close();
  console.log(
    `1,000-step run page in headless Chromium: first DAG painted ${median(paints.slice(1)).toFixed(0)} ms after navigation (target <= 1500 ms); ` +
      `all 1,000 steps expanded ${median(expands.slice(1)).toFixed(0)} ms`,
  );
}
await dashboard.close();

// ── `zen dashboard` ready time ────────────────────────────────────────────────────────────────
const zenBin = path.join(root, "packages/cli/bin/zen.cjs");
async function readyTime() {
  const start = performance.now();
  const child = spawn(process.execPath, [zenBin, "dashboard", "--port", "0"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const match = /Dashboard serving at (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`zen dashboard exited with ${code}`)));
  });
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`zen dashboard answered ${response.status}`);
  const ms = performance.now() - start;
  await new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", resolve);
    child.kill("SIGINT");
  });
  return ms;
}
const ready = [];
for (let i = 0; i < 6; i++) ready.push(await readyTime());
console.log(`zen dashboard: start to first page served ${median(ready.slice(1)).toFixed(0)} ms, median (target <= 1000 ms)`);

zen.close();
rmSync(base, { recursive: true, force: true });

function serviceValue(name) {
  try {
    const line = readFileSync(path.join(root, ".services/env"), "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}=`));
    return line?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}
