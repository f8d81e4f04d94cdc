/**
 * `zen pipeline …` handlers: run a pipeline file on a stack, list pipelines and runs, describe a run
 * (its DAG, each step's status, cache decision and outputs). The commands are defined in
 * groups/pipeline.ts; this module loads when one runs.
 */
import type { AnyPipeline, LoadedStack, PipelineRunView, PipelineRepository, RemoteRunState, StepView } from "@zen/core";
import type { Invocation } from "../command-line/spec.ts";
import { colors, type Colors } from "../colors.ts";
import { stdout } from "../stdio.ts";

// ── handlers ──────────────────────────────────────────────────────────────────

async function repositoryFor(command: Invocation): Promise<PipelineRepository> {
  const [{ openZen }, { PipelineRepository }] = await Promise.all([import("./common.ts"), import("@zen/core")]);
  const zen = await openZen(command);
  return PipelineRepository.forStack(await zen.loadStack());
}

export async function run(command: Invocation): Promise<void> {
  const [{ openZen, options }, core, output] = await Promise.all([import("./common.ts"), import("@zen/core"), import("../output.ts")]);
  const opts = options(command) as { quiet?: boolean; runName?: string; noCache?: boolean; config?: string; dryRun?: boolean; out?: string; schedule?: string };
  const [file] = command.args as [string];
  const config = opts.config ? await core.readRunConfig(opts.config) : { runtime: {} as Record<string, unknown> };
  const pipeline = await core.loadPipelineFile(file);

  const zen = await openZen(command);
  const stack = await zen.loadStack();
  // Flags win over the file.
  const enableCache = opts.noCache ? false : config.enableCache;
  const runtime = { ...config.runtime };
  // A remote orchestrator runs the steps from the file inside the project's image: it needs the path there.
  if (stack.orchestrator.flavor !== "local" && runtime[PIPELINE_FILE] === undefined) runtime[PIPELINE_FILE] = await projectPath(file);
  if (opts.dryRun) {
    await dryRun(stack, pipeline, {
      ...(opts.schedule !== undefined ? { schedule: opts.schedule } : {}),
      runName: opts.runName ?? config.runName ?? `${pipeline.name}-dry-run`,
      runtime,
      parameters: config.parameters,
      outDir: opts.out ?? ".",
    });
    return;
  }
  const result = await pipeline.run({
    ...runtime,
    stack,
    ...((opts.runName ?? config.runName) ? { runName: opts.runName ?? config.runName } : {}),
    ...(enableCache === undefined ? {} : { enableCache }),
    ...(config.parameters ? { parameters: config.parameters } : {}),
    ...(opts.schedule !== undefined ? { schedule: opts.schedule } : {}),
    onEvent: opts.quiet ? false : core.createProgressReporter({ stream: process.stderr }),
  });
  const page = opts.quiet ? undefined : await (await import("./dashboard-run-url.ts")).dashboardRunUrl(zen, stack, result.id);
  if (result.status === "running") {
    // The orchestrator submitted the run (or its schedule) and left it to the remote side.
    const what = opts.schedule !== undefined ? `scheduled (${opts.schedule})` : "submitted";
    output.success(`Run '${result.name}' of pipeline '${result.pipelineName}' ${what} on stack '${result.stack.name}'; it runs remotely.`);
    if (!opts.quiet) output.info(`Follow it with: zen pipeline runs describe ${result.name}`);
    if (page) output.info(`Dashboard: ${page}`);
    return;
  }

  const executed = result.steps.filter((s) => s.status === "completed").length;
  const cached = result.steps.filter((s) => s.cached).length;
  output.success(
    `Run '${result.name}' of pipeline '${result.pipelineName}' completed on stack '${result.stack.name}': ` +
      `${executed} step${executed === 1 ? "" : "s"} executed, ${cached} reused from the cache.`,
  );
  if (!opts.quiet) output.info(`Inspect it with: zen pipeline runs describe ${result.name}`);
  if (page) output.info(`Dashboard: ${page}`);
}

/** `--dry-run`: the orchestrator writes what it would submit; nothing runs, nothing is recorded. */
async function dryRun(
  stack: LoadedStack,
  pipeline: AnyPipeline,
  run: { runName: string; runtime: Record<string, unknown>; parameters: Record<string, unknown> | undefined; outDir: string; schedule?: string },
): Promise<void> {
  const [output, { UsageError }, path] = await Promise.all([import("../output.ts"), import("@zen/core/command-line"), import("node:path")]);
  const orchestrator = stack.orchestrator;
  if (typeof orchestrator.dryRun !== "function") {
    throw new UsageError(`The orchestrator '${orchestrator.name}' (${orchestrator.flavor}) of stack '${stack.name}' has nothing to submit, so no dry run.`, {
      hint: "A dry run shows what a remote orchestrator (e.g. kubeflow) would send; run the pipeline without --dry-run.",
    });
  }
  const plan = pipeline.build(run.parameters);
  const report = await orchestrator.dryRun({
    deployment: { pipelineName: pipeline.name, runName: run.runName, stackName: stack.name, runtimeConfiguration: run.runtime },
    steps: plan.steps.map((s) => ({ name: s.name, upstream: s.upstream })),
    components: stack.components,
    outDir: path.resolve(run.outDir),
    ...(run.schedule !== undefined ? { schedule: run.schedule } : {}),
  });
  for (const line of report.summary) output.info(line);
  for (const file of report.files) output.success(`Wrote ${path.relative(process.cwd(), file) || file}`);
}

/** Runtime option naming the pipeline file relative to the project root (the image's working directory). */
const PIPELINE_FILE = "pipeline_file";

/** `file` (with its `#export`) relative to the nearest directory above it holding a package.json, `/`-separated. */
async function projectPath(specifier: string): Promise<string> {
  const [{ existsSync }, path] = await Promise.all([import("node:fs"), import("node:path")]);
  const hash = specifier.lastIndexOf("#");
  const file = path.resolve(hash > 0 ? specifier.slice(0, hash) : specifier);
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!existsSync(path.join(dir, "package.json"))) dir = process.cwd();
  return path.relative(dir, file).split(path.sep).join("/") + (hash > 0 ? specifier.slice(hash) : "");
}

export async function listPipelines(command: Invocation): Promise<void> {
  const [{ outputFormat }, { printList }] = await Promise.all([import("./common.ts"), import("../output.ts")]);
  const repository = await repositoryFor(command);
  const pipelines = await repository.getPipelines();
  await printList(
    outputFormat(command),
    "pipeline_list",
    pipelines,
    [
      { header: "PIPELINE", value: (p) => p.name },
      { header: "RUNS", value: (p) => String(p.runCount) },
      { header: "LAST RUN", value: (p) => when(p.lastRunAt) },
      { header: "FIRST SEEN", value: (p) => when(p.createdAt) },
    ],
    (p) => p.toJSON(),
  );
}

export async function listRuns(command: Invocation): Promise<void> {
  const [{ outputFormat, options }, { printList }, { UsageError }] = await Promise.all([
    import("./common.ts"),
    import("../output.ts"),
    import("@zen/core/command-line"),
  ]);
  const opts = options(command) as { pipeline?: string; limit?: string };
  const limit = Number(opts.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, not '${opts.limit}'.`, { hint: "e.g. --limit 20" });
  const repository = await repositoryFor(command);
  if (opts.pipeline) await repository.getPipeline(opts.pipeline); // a clear error for an unknown pipeline
  const runs = await repository.getRuns({ pipelineName: opts.pipeline, limit });
  await printList(
    outputFormat(command),
    "pipeline_run_list",
    runs,
    [
      { header: "RUN", value: (r) => r.name },
      { header: "PIPELINE", value: (r) => r.pipelineName },
      { header: "STATUS", value: (r) => paintStatus(colors, r.status) },
      { header: "STARTED", value: (r) => when(r.startedAt) },
      { header: "DURATION", value: (r) => duration(r.durationMs) },
      { header: "STEPS", value: (r) => stepSummary(r) },
      { header: "STACK", value: (r) => r.stack.name },
    ],
    (r) => r.toJSON(),
  );
}

export async function describeRun(command: Invocation): Promise<void> {
  const [{ outputFormat }, { printDocument }, { NotFoundError }] = await Promise.all([
    import("./common.ts"),
    import("../output.ts"),
    import("@zen/core/command-line"),
  ]);
  const [name] = command.args;
  const format = outputFormat(command);
  const [{ openZen }, { PipelineRepository }, { trackerRunUrl }] = await Promise.all([
    import("./common.ts"),
    import("@zen/core"),
    import("./tracker-run-url.ts"),
  ]);
  const zen = await openZen(command);
  const stack = await zen.loadStack();
  const repository = PipelineRepository.forStack(stack);
  const found = name ? await repository.getRun(name) : await repository.latestRun();
  if (!found) throw new NotFoundError("No pipeline has run on this stack yet.", { hint: "Run one with `zen pipeline run FILE.ts`." });
  const [tracker, remote] = await Promise.all([trackerRunUrl(stack, found), remoteRunState(stack, found)]);
  const page = await (await import("./dashboard-run-url.ts")).dashboardRunUrl(zen, stack, found.id);
  if (format !== "table") {
    await printDocument(format, {
      kind: "pipeline_run",
      formatVersion: 1,
      item: {
        ...found.toJSON(),
        ...(tracker?.url ? { trackerUrl: tracker.url } : {}),
        ...(remote ? { remoteRun: remote } : {}),
        ...(page ? { dashboardUrl: page } : {}),
      },
    });
    return;
  }
  stdout.write(renderRun(found, colors, tracker?.url ?? tracker?.problem, remote));
  if (page) stdout.write(`\nDashboard: ${page}\n`);
}

/** The run as the orchestrator that submitted it reports it now (a remote one, e.g. Kubeflow's state), bounded in time. */
async function remoteRunState(stack: LoadedStack, run: PipelineRunView): Promise<RemoteRunState | undefined> {
  const orchestrator = stack.orchestrator;
  if (typeof orchestrator.remoteRunState !== "function" || run.stack.components.orchestrator?.name !== orchestrator.name) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<RemoteRunState>((resolve) => {
    timer = setTimeout(() => resolve({ system: orchestrator.flavor, problem: "no answer within 10 s" }), 10_000);
  });
  try {
    return await Promise.race([orchestrator.remoteRunState({ id: run.id, name: run.name, pipelineName: run.pipelineName, links: run.links }), late]);
  } finally {
    clearTimeout(timer);
  }
}

// ── rendering ─────────────────────────────────────────────────────────────────

const STATUS_COLOR: Record<string, keyof Colors> = {
  completed: "green",
  cached: "blue",
  failed: "red",
  running: "cyan",
  pending: "dim",
  skipped: "yellow",
  cancelled: "yellow",
};
const STATUS_SYMBOL: Record<string, string> = {
  completed: "✓",
  cached: "↺",
  failed: "✗",
  running: "▸",
  pending: "·",
  skipped: "-",
  cancelled: "⊘",
};

function paintStatus(colors: Colors, status: string): string {
  const paint = colors[STATUS_COLOR[status] ?? "reset"] as (text: string) => string;
  return paint(status);
}

function when(iso: string | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function stepSummary(run: PipelineRunView): string {
  const counts = new Map<string, number>();
  for (const step of run.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
}

function value(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function cacheDecision(step: StepView): string {
  if (step.status === "cached") return `cached: ${step.cacheReason ?? ""}`;
  if (step.status === "completed" || step.status === "failed") return step.cacheReason ? `ran: ${step.cacheReason}` : "ran";
  return "";
}

/** The run's header, then its DAG: one block per step in topological order. */
export function renderRun(run: PipelineRunView, colors: Colors, trackerRun?: string, remote?: RemoteRunState): string {
  const lines: string[] = [];
  lines.push(`${colors.bold(`Run '${run.name}'`)} of pipeline '${run.pipelineName}': ${paintStatus(colors, run.status)}`);
  const header: [string, string][] = [
    ["id", run.id],
    [
      "stack",
      `${run.stack.name} (${Object.entries(run.stack.components)
        .map(([type, c]) => `${type}: ${c.name} [${c.flavor}]`)
        .join(", ")})`,
    ],
    ["started", when(run.startedAt)],
    ["duration", duration(run.durationMs)],
    ["cache", run.enableCache ? "enabled" : "disabled"],
  ];
  if (Object.keys(run.parameters).length > 0)
    header.push([
      "parameters",
      Object.entries(run.parameters)
        .map(([k, v]) => `${k}=${value(v)}`)
        .join(", "),
    ]);
  if (Object.keys(run.runtimeConfiguration).length > 0) {
    header.push([
      "runtime options",
      Object.entries(run.runtimeConfiguration)
        .map(([k, v]) => `${k}=${value(v)}`)
        .join(", "),
    ]);
  }
  if (trackerRun) header.push(["tracker run", trackerRun]);
  if (remote) {
    const state = remote.state ?? `state unknown${remote.problem ? ` (${remote.problem})` : ""}`;
    header.push(["remote run", `${remote.system}: ${state}${remote.url ? `  ${remote.url}` : ""}`]);
  }
  if (run.error) header.push(["error", run.error]);
  const width = Math.max(...header.map(([k]) => k.length));
  for (const [key, text] of header) lines.push(`  ${colors.dim(key.padEnd(width))}  ${text}`);
  lines.push("", colors.bold(`Steps (${stepSummary(run)})`));
  for (const step of run.steps) {
    const symbol = STATUS_SYMBOL[step.status] ?? "?";
    const paint = colors[STATUS_COLOR[step.status] ?? "reset"] as (text: string) => string;
    const kind = step.stepName !== step.name ? colors.dim(` (${step.stepName})`) : "";
    const took = step.durationMs !== undefined ? `  ${duration(step.durationMs)}` : "";
    lines.push(`${paint(symbol)} ${colors.bold(step.name)}${kind}  ${paintStatus(colors, step.status)}${took}`);
    if (step.upstream.length > 0) lines.push(`    ${colors.dim("after")}    ${step.upstream.join(", ")}`);
    const decision = cacheDecision(step);
    if (decision) lines.push(`    ${colors.dim("cache")}    ${decision}`);
    if (Object.keys(step.parameters).length > 0) {
      lines.push(
        `    ${colors.dim("params")}   ${Object.entries(step.parameters)
          .map(([k, v]) => `${k}=${value(v)}`)
          .join(", ")}`,
      );
    }
    for (const [inputName, artifact] of Object.entries(step.inputs)) {
      lines.push(`    ${colors.dim("input")}    ${inputName} ← ${artifact.uri}`);
    }
    for (const [outputName, artifact] of Object.entries(step.outputs)) {
      const reused = artifact.producerStepId !== step.id ? colors.dim(" (from an earlier run)") : "";
      lines.push(
        `    ${colors.dim("output")}   ${outputName} → ${artifact.uri}  ` +
          `${colors.dim(`[${artifact.materializer}, ${artifact.contentHash.slice(0, 19)}]`)}${reused}`,
      );
    }
    if (step.error) lines.push(`    ${colors.dim("error")}    ${colors.red(step.error)}`);
  }
  return `${lines.join("\n")}\n`;
}
