/**
 * One pipeline run on a stack, in the order of ZenML's `deploy_pipeline`: resolve and check the
 * stack, build the DAG, record the run, `preparePipelineDeployment` (with the runtime
 * configuration) and `preparePipelineRun` on every component, hand the DAG to the orchestrator,
 * record the outcome, and `cleanupPipelineRun` on every component, also after a failure.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { ValidationError, ZenError } from "../errors.ts";
import type { PipelineDeployment, StackComponent } from "../stack-component.ts";
import type { LoadedStack } from "../stack.ts";
import type { ZenOptions } from "../config/settings.ts";
import type { PipelineEvent, PipelineEventListener } from "../components/run-events.ts";
import type { DetachedRun } from "../components/orchestrator.ts";
import { RecentFiles } from "./materializers.ts";
import { invokeHook } from "./hook-runner.ts";
import type { PipelineHooks } from "./pipeline-hooks.ts";
import { buildPlan } from "./plan.ts";
import { createProgressReporter } from "./progress.ts";
import type { RunRecord, RunStackInfo } from "../components/run-records.ts";
import { PipelineRepository, type PipelineRunView } from "./repository.ts";
import { resolveStack, runStack, stackComponents } from "./resolve-stack.ts";
import { RunSteps, type RunStepsResult } from "./run-steps.ts";
import { onTerminationSignal } from "./signals.ts";
import { describeError, type RunState } from "./step-runner.ts";
import { corePackage } from "../discovery/core-package.ts";

/** Options of `pipeline.run()` that control the run; every other key is a runtime option. */
export interface RunControlOptions<P = Record<string, unknown>> {
  /** Unique across all pipelines of the metadata store; default `<pipeline>-<date>-<time>-<random>`. */
  runName?: string;
  /** `false` runs every step; `true` (default) reuses unchanged steps. */
  enableCache?: boolean;
  /** The pipeline's parameters, validated by its schema and passed to its builder. */
  parameters?: P;
  /** A stack name, or a loaded stack; default the active stack. */
  stack?: string | LoadedStack;
  /** Progress events; default: lines on stderr (a live view on a TTY); `false` for silence. */
  onEvent?: PipelineEventListener | false;
  /** Cancels the run when aborted. */
  signal?: AbortSignal;
  /** Cancel the run on SIGINT/SIGTERM and settle its metadata before the process ends (default true). */
  handleSignals?: boolean;
  /** How to find the active stack (working directory, environment, profile). */
  zen?: ZenOptions;
  /** A cron expression: the orchestrator runs the pipeline on that schedule (refused by one that cannot schedule). */
  schedule?: string;
}

export const RUN_CONTROL_OPTIONS: readonly string[] = [
  "runName",
  "enableCache",
  "parameters",
  "stack",
  "onEvent",
  "signal",
  "handleSignals",
  "zen",
  "schedule",
] satisfies (keyof RunControlOptions)[];

/** Control options plus any runtime options (`run({ runtime_param_1: 3, another_param: "luna" })`). */
export type RunOptions<P = Record<string, unknown>> = RunControlOptions<P> & { [runtimeOption: string]: unknown };

/** A run that did not complete: the error names the failed steps; `run` is the recorded run. */
export class PipelineRunError extends ZenError {
  readonly run: PipelineRunView;
  constructor(message: string, run: PipelineRunView, options: { hint: string; code: string; exitCode: number; cause?: unknown }) {
    super(message, options);
    this.name = "PipelineRunError";
    this.run = run;
  }
}

export interface RunnablePipeline extends PipelineHooks {
  name: string;
  enableCache: boolean;
  parametersSchema: unknown;
  builder: (params: any) => unknown;
}

const RUN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]{0,199}$/;
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key/i;

export async function runPipeline(pipeline: RunnablePipeline, options: RunOptions = {}): Promise<PipelineRunView> {
  const { runName: givenRunName, enableCache, parameters, stack: stackOption, onEvent, signal, handleSignals, zen, schedule, ...runtime } = options;
  const listener: PipelineEventListener = onEvent === false ? () => {} : (onEvent ?? createProgressReporter({ stream: process.stderr }));
  const emit = (event: PipelineEvent) => {
    try {
      listener(event);
    } catch {
      // A broken listener must not break the run.
    }
  };

  const pipelineParameters = validatePipelineParameters(pipeline, parameters);
  const plan = buildPlan(pipeline.name, pipeline.builder, pipelineParameters);
  const runName = givenRunName ?? defaultRunName(pipeline.name);
  if (!RUN_NAME.test(runName)) {
    throw new ValidationError(`Invalid run name '${runName}'.`, {
      hint: "Use up to 200 letters, digits and _ . : @ + -, starting with a letter, digit or '_'.",
    });
  }

  // The first command on a machine creates the default profile and says so (on stderr, like progress).
  const zenOptions: ZenOptions = { ...zen, onNotice: zen?.onNotice ?? (onEvent === false ? () => {} : (m) => void process.stderr.write(`${m}\n`)) };
  const stack = await resolveStack(stackOption, zenOptions);
  const components = stackComponents(stack);
  if (schedule !== undefined && !stack.orchestrator.supportsSchedules) {
    throw new ValidationError(`The orchestrator '${stack.orchestrator.name}' (${stack.orchestrator.flavor}) of stack '${stack.name}' cannot schedule runs.`, {
      hint: "Run the pipeline without a schedule, or on a stack whose orchestrator schedules runs (e.g. kubeflow).",
    });
  }
  const runCache = enableCache ?? pipeline.enableCache;
  const deployment: PipelineDeployment = Object.freeze({
    pipelineName: pipeline.name,
    runName,
    stackName: stack.name,
    runtimeConfiguration: Object.freeze({ ...runtime }),
  });

  const runId = randomUUID();
  const stepIds = new Map(plan.steps.map((s) => [s.name, randomUUID()]));
  const started = performance.now();
  const run = await stack.metadataStore.createRun({
    id: runId,
    name: runName,
    pipelineName: pipeline.name,
    stack: stackInfo(stack),
    runtimeConfiguration: maskRuntime(runtime),
    parameters: (pipelineParameters ?? {}) as Record<string, unknown>,
    enableCache: runCache,
    startedAt: new Date().toISOString(),
    zenVersion: corePackage().version,
    steps: plan.steps.map((s) => ({
      id: stepIds.get(s.name)!,
      name: s.name,
      stepName: s.step.stepName,
      parameters: s.parameters,
      upstream: s.upstream,
    })),
  });
  emit({
    type: "run-started",
    pipelineName: pipeline.name,
    runName,
    runId,
    stackName: stack.name,
    steps: plan.steps.map((s) => ({ name: s.name, upstream: s.upstream })),
  });

  const controller = new AbortController();
  let cancelledBy: string | undefined;
  const cancel = (reason: string) => {
    cancelledBy ??= reason;
    controller.abort(new Error(reason));
  };
  if (signal) {
    if (signal.aborted) cancel("the run was aborted");
    else signal.addEventListener("abort", () => cancel("the run was aborted"), { once: true });
  }
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const unregister =
    handleSignals === false
      ? () => {}
      : onTerminationSignal((sig) => {
          cancel(`received ${sig}`);
          return settled;
        });

  const state: RunState = {
    plan,
    stack,
    components,
    runId,
    runName,
    enableCache: runCache,
    stepIds,
    emit,
    recentFiles: new RecentFiles(),
    outputs: new Map(),
  };
  const steps = new RunSteps(state, controller.signal);
  let result: RunStepsResult | undefined;
  let failure: unknown;
  let detached = false;
  try {
    for (const component of components) await component.preparePipelineDeployment(deployment);
    for (const component of components) await component.preparePipelineRun(deployment);
    await recordRunLinks(stack, components, deployment, runId);
    const handed = await stack.orchestrator.runPipeline({ ...steps.orchestratorRun(deployment), ...(schedule !== undefined ? { schedule } : {}) });
    // Submitted and left to the remote side: the run stays `running`, its steps record themselves.
    detached = (handed as DetachedRun | undefined)?.detached === true && !cancelledBy;
    if (!detached) result = await steps.result(cancelledBy !== undefined);
    if (result && result.neverRun.length > 0 && !cancelledBy) {
      failure = new ZenError(
        `The orchestrator of stack '${stack.name}' ended the run without running ` +
          `step${result.neverRun.length > 1 ? "s" : ""} ${result.neverRun.map((n) => `'${n}'`).join(", ")}.`,
        {
          code: "ZEN_ORCHESTRATOR_INCOMPLETE",
          hint: "Check the orchestrator: it must run every step (or report a cancellation) before runPipeline() resolves.",
        },
      );
    }
  } catch (error) {
    failure = error;
  }

  if (detached && !failure) {
    try {
      // This process leaves while the run goes on: the store must not read it as crashed once the process is gone.
      await stack.metadataStore.releaseRun(runId);
      const cleanupError = await cleanupAll(components, deployment);
      if (cleanupError) throw cleanupError;
      return await new PipelineRepository({ metadataStore: stack.metadataStore, artifactStore: stack.artifactStore }).getRun(run.id);
    } finally {
      settle();
      unregister();
    }
  }
  const status: Exclude<RunRecord["status"], "running"> = cancelledBy ? "cancelled" : failure || !result || result.failed.length > 0 ? "failed" : "completed";
  const errorText = summarizeError(failure, result, cancelledBy);
  const durationMs = performance.now() - started;
  let view!: PipelineRunView;
  try {
    await stack.metadataStore.finishRun(runId, {
      status,
      endedAt: new Date().toISOString(),
      durationMs,
      error: errorText,
      unfinishedSteps: { pending: status === "failed" ? "skipped" : "cancelled", running: status === "failed" ? "failed" : "cancelled" },
    });
    view = await new PipelineRepository({ metadataStore: stack.metadataStore, artifactStore: stack.artifactStore }).getRun(run.id);
    await runPipelineHooks(pipeline, { view, status, durationMs, failure, result, cancelledBy, errorText, stack, emit });
  } finally {
    const cleanupError = await cleanupAll(components, { ...deployment, outcome: { status, error: errorText } });
    emit({ type: "run-finished", runName, status, durationMs, ...(errorText ? { error: errorText } : {}) });
    settle();
    unregister();
    if (cleanupError && status === "completed") failure = cleanupError;
  }

  if (status === "completed" && !failure) return view;
  throw runError(view, status, failure, result, cancelledBy);
}

async function runPipelineHooks(
  pipeline: RunnablePipeline,
  outcome: {
    view: PipelineRunView;
    status: Exclude<RunRecord["status"], "running">;
    durationMs: number;
    failure: unknown;
    result: RunStepsResult | undefined;
    cancelledBy: string | undefined;
    errorText: string | undefined;
    stack: LoadedStack;
    emit: (event: PipelineEvent) => void;
  },
): Promise<void> {
  const { view, status, durationMs, emit } = outcome;
  const base = { stack: runStack(outcome.stack), pipelineName: view.pipelineName, runName: view.name, runId: view.id, durationMs, run: view };
  const where = { runName: view.name, emit };
  if (status === "completed") {
    await invokeHook(pipeline.onSuccess, { ...base, status }, { ...where, hook: "onSuccess" });
    return;
  }
  const error =
    outcome.result?.failed[0]?.error ?? (outcome.failure instanceof Error ? outcome.failure : new Error(outcome.errorText ?? "the run did not complete"));
  const failedSteps = view.steps.filter((s) => s.status === "failed").map((s) => ({ step: s.name, error: s.error ?? "unknown error" }));
  await invokeHook(pipeline.onFailure, { ...base, status, error, failedSteps }, { ...where, hook: "onFailure" });
}

function validatePipelineParameters(pipeline: RunnablePipeline, given: unknown): unknown {
  const schema = pipeline.parametersSchema as
    | { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } } }
    | undefined;
  if (!schema) return given ?? {};
  const parsed = schema.safeParse(given ?? {});
  if (!parsed.success) {
    const issues = (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join(".") || "parameters"}: ${i.message}`);
    throw new ValidationError(`Invalid parameters for pipeline '${pipeline.name}': ${issues.join("; ")}.`, {
      hint: "Pass `parameters` that match the pipeline's schema (in run() or under `parameters:` in the run config file).",
    });
  }
  return parsed.data;
}

function defaultRunName(pipelineName: string): string {
  const now = new Date();
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const date = `${now.getFullYear()}_${pad(now.getMonth() + 1)}_${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}_${pad(now.getMinutes())}_${pad(now.getSeconds())}`;
  return `${pipelineName}-${date}-${time}-${randomBytes(3).toString("hex")}`;
}

function stackInfo(stack: LoadedStack): RunStackInfo {
  const components: RunStackInfo["components"] = {};
  for (const component of stackComponents(stack)) components[component.type] = { name: component.name, flavor: component.flavor };
  return { name: stack.name, components };
}

/** Runtime options are recorded with the run; values under secret-looking keys are masked. */
function maskRuntime(runtime: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(runtime)) {
    if (typeof value === "function" || typeof value === "symbol") continue;
    masked[key] = SECRET_KEY.test(key) && value !== undefined && value !== null ? "****" : value;
  }
  // Keep only what survives JSON (the record is stored as JSON).
  return JSON.parse(JSON.stringify(masked, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
}

/** Keeps the components' pages of the run (e.g. the tracker's run) with its record; a stack without any costs no write. */
async function recordRunLinks(stack: LoadedStack, components: StackComponent[], deployment: PipelineDeployment, runId: string): Promise<void> {
  const links: Record<string, string> = {};
  for (const component of components) {
    // Components built before this hook existed (or plain objects in tests) have no runLink.
    const url = typeof component.runLink === "function" ? await component.runLink(deployment) : undefined;
    if (url) links[component.type] = url;
  }
  if (Object.keys(links).length > 0) await stack.metadataStore.addRunLinks(runId, links);
}

async function cleanupAll(components: StackComponent[], deployment: PipelineDeployment): Promise<Error | undefined> {
  let first: Error | undefined;
  for (const component of components) {
    try {
      await component.cleanupPipelineRun(deployment);
    } catch (error) {
      first ??= new ZenError(
        `Cleaning up ${component.type.replace(/_/g, " ")} '${component.name}' after run '${deployment.runName}' failed: ` +
          `${error instanceof Error ? error.message : String(error)}`,
        {
          code: "ZEN_CLEANUP_FAILED",
          hint: "Check the component's service; the run's results are recorded.",
          cause: error,
        },
      );
    }
  }
  return first;
}

function summarizeError(failure: unknown, result: RunStepsResult | undefined, cancelledBy: string | undefined): string | undefined {
  if (cancelledBy) return `cancelled: ${cancelledBy}`;
  if (failure) return failure instanceof Error ? describeError(failure) : String(failure);
  if (result && result.failed.length > 0) {
    return result.failed.map((f) => `step '${f.step}' failed: ${describeError(f.error)}`).join("; ");
  }
  return undefined;
}

const FIX_AND_RERUN = "Fix the step and run again; completed steps are reused from the cache.";

/** Where a failed step's output is: its log ends with the error's stack. */
function printed(view: PipelineRunView, step: string): string {
  return `What it printed: \`zen pipeline runs logs ${view.name} ${step}\`.`;
}

function runError(
  view: PipelineRunView,
  status: RunRecord["status"],
  failure: unknown,
  result: RunStepsResult | undefined,
  cancelledBy: string | undefined,
): PipelineRunError {
  const inspect = `Inspect it with \`zen pipeline runs describe ${view.name}\`.`;
  if (status === "cancelled") {
    return new PipelineRunError(`Run '${view.name}' of pipeline '${view.pipelineName}' was cancelled (${cancelledBy ?? "by the orchestrator"}).`, view, {
      code: "ZEN_RUN_CANCELLED",
      exitCode: 130,
      hint: `Completed steps keep their outputs and are reused by the next run. ${inspect}`,
    });
  }
  if (result && result.failed.length > 0 && !failure) {
    const first = result.failed[0]!;
    const more = result.failed.length > 1 ? ` (and ${result.failed.length - 1} more failed step${result.failed.length > 2 ? "s" : ""})` : "";
    const skipped = result.skipped.length > 0 ? ` Not started: ${result.skipped.join(", ")}.` : "";
    return new PipelineRunError(
      `Run '${view.name}' of pipeline '${view.pipelineName}' failed at step '${first.step}': ${describeError(first.error).replace(/\.$/, "")}${more}.`,
      view,
      {
        code: "ZEN_RUN_FAILED",
        exitCode: 1,
        cause: first.error,
        hint: `${ownHint(first.error) ?? FIX_AND_RERUN}${skipped} ${printed(view, first.step)} ${inspect}`,
      },
    );
  }
  const message = failure instanceof Error ? failure.message : String(failure ?? "the orchestrator reported a failure");
  const zenHint = ownHint(failure) ?? inspect;
  return new PipelineRunError(`Run '${view.name}' of pipeline '${view.pipelineName}' failed: ${message}`, view, {
    code: "ZEN_RUN_FAILED",
    exitCode: 1,
    cause: failure,
    hint: zenHint,
  });
}

/**
 * The hint of a zen error thrown inside a step or by the orchestrator (a flavor's own advice), duck-typed
 * so that errors from a flavor package's own copy of @zen/core keep theirs too.
 */
function ownHint(error: unknown): string | undefined {
  const hint = typeof error === "object" && error !== null ? (error as { hint?: unknown }).hint : undefined;
  return typeof hint === "string" && hint.trim() !== "" ? hint.trim() : undefined;
}
