/**
 * The `mlflow` experiment tracker: one MLflow run per pipeline run, in the experiment named by the
 * config (default: the pipeline's name). The run carries the tags `zen.pipeline`, `zen.run` and
 * `zen.stack`, so that any process running a step of the same pipeline run (a retry, a step in its
 * own container) finds it again instead of creating a second one. Steps log through
 * `logParams`/`logMetrics`/`setTags`/`logArtifact` with their context; values are buffered and sent
 * through `runs/log-batch` when a request is full (while the step keeps logging) and at the end of
 * the step, also when it failed. Params are prefixed by the step (`train.learning_rate`), because
 * MLflow never changes a logged param; with `nested`, each step that logs gets a child run of its own
 * (tag `mlflow.parentRunId`) and its params keep their names.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, relative } from "node:path";
import { BaseExperimentTracker, ValidationError, ZenError, type PipelineDeployment, type StepRunInfo } from "@zen/core/flavor";
import type { MlflowExperimentTrackerConfig } from "./config.ts";
import { artifactRoot, listFiles } from "./artifact-files.ts";
import { clientFor, MlflowApiError, type MlflowClient } from "./mlflow-client.ts";
import { PendingLog, type BatchRequest } from "./log-batch.ts";
import { RunLookup, type MlflowRunRef } from "./run-lookup.ts";
import { metricHistory, readRun, type MetricPoint, type MlflowRunData } from "./run-reader.ts";

export type { MetricPoint, MlflowRunData } from "./run-reader.ts";
export type { MlflowRunRef } from "./run-lookup.ts";

export interface MetricOptions {
  /** MLflow's step index of these points (default 0). */
  step?: number;
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number;
}

type RunKey = Pick<StepRunInfo, "pipelineName" | "runName">;
type StepKey = StepRunInfo;
type Scalar = string | number | boolean;

const STATUS = { completed: "FINISHED", failed: "FAILED", cancelled: "KILLED" } as const;
const MAX_TAG_VALUE = 5000;

export class MlflowExperimentTracker extends BaseExperimentTracker<MlflowExperimentTrackerConfig> {
  private clientInstance: MlflowClient | undefined;
  private lookupInstance: RunLookup | undefined;
  private readonly runs = new Map<string, Promise<MlflowRunRef>>();
  /** Nested mode: the child run of each step that logged something, by step. */
  private readonly childRuns = new Map<string, Promise<MlflowRunRef>>();
  private readonly pending = new Map<string, PendingLog>();
  /** The request a step has in flight while it keeps logging: at most one per step, so points arrive in order. */
  private readonly sending = new Map<string, Promise<void>>();
  /** Tags sent with the run's end, by run (present while this process runs the whole pipeline run). */
  private readonly runTags = new Map<string, { key: string; value: string }[]>();
  /** Params already on the server per MLflow run (known after a lookup on a reused run, or after sending). */
  private readonly knownParams = new Map<string, Map<string, string>>();

  get client(): MlflowClient {
    this.clientInstance ??= clientFor(this.config, `experiment tracker '${this.name}'`);
    return this.clientInstance;
  }

  private get lookup(): RunLookup {
    this.lookupInstance ??= new RunLookup(this.client, this.name, this.config.experiment_name, (runId, params) => this.knownParams.set(runId, params));
    return this.lookupInstance;
  }

  override async preparePipelineRun(deployment: PipelineDeployment): Promise<void> {
    await this.runFor(deployment, deployment.stackName);
    this.runTags.set(runKey(deployment), []);
  }

  /** The MLflow run's page, kept with the zen run's record (`zen pipeline runs describe` needs no request). */
  override async runLink(deployment: PipelineDeployment): Promise<string | undefined> {
    return (await this.runFor(deployment)).url;
  }

  override async prepareStepRun(step: StepRunInfo): Promise<void> {
    await this.runFor(step);
  }

  /**
   * Sends what the step logged, with its `zen.step.<name>` tag on the pipeline run's run. A step that
   * logged nothing costs no request: its tag waits for the run's end (a step in a process of its own
   * sends it at once). Nested, the step's child run (if it logged anything) ends with the step.
   */
  override async cleanupStepRun(step: StepRunInfo): Promise<void> {
    const key = stepKey(step);
    const tag = { key: `zen.step.${step.stepName}`, value: "ended" };
    const deferred = this.runTags.get(runKey(step));
    let problem: unknown;
    try {
      if (this.config.nested) {
        await this.flush(step);
        if (deferred) deferred.push(tag);
        else await this.client.call("POST", "runs/log-batch", { run_id: (await this.runFor(step)).runId, tags: [tag] });
      } else {
        if (!this.pending.get(key)?.size && !this.sending.has(key) && deferred) deferred.push(tag);
        else this.log(step).tags.push(tag);
        await this.flush(step);
      }
    } catch (error) {
      problem = error;
    }
    // Read after the flush, which may have created the child run; it fails with the step, or when its values could not be sent.
    const child = this.childRuns.get(key);
    this.childRuns.delete(key);
    const ref = await child?.catch(() => undefined);
    if (ref) {
      const failed = problem !== undefined || step.outcome?.status === "failed";
      const reason = step.outcome?.error ?? (problem instanceof Error ? problem.message : undefined);
      try {
        if (failed && reason)
          await this.client.call("POST", "runs/log-batch", { run_id: ref.runId, tags: [{ key: "zen.error", value: reason.slice(0, MAX_TAG_VALUE) }] });
        await this.endRun(ref, failed ? "FAILED" : "FINISHED");
      } catch (error) {
        problem ??= error;
      }
    }
    if (problem !== undefined) throw problem;
  }

  override async cleanupPipelineRun(deployment: PipelineDeployment): Promise<void> {
    const key = runKey(deployment);
    const run = this.runs.get(key);
    const tags = this.runTags.get(key) ?? [];
    this.runTags.delete(key);
    if (!run) return;
    this.runs.delete(key);
    const ref = await run.catch(() => undefined);
    if (!ref) return;
    const outcome = deployment.outcome;
    if (outcome && outcome.status !== "completed" && outcome.error) tags.push({ key: "zen.error", value: outcome.error.slice(0, MAX_TAG_VALUE) });
    for (let i = 0; i < tags.length; i += 100) await this.client.call("POST", "runs/log-batch", { run_id: ref.runId, tags: tags.slice(i, i + 100) });
    // Without an outcome the run goes on elsewhere (an orchestrator that runs it remotely): it stays RUNNING.
    if (outcome) await this.endRun(ref, STATUS[outcome.status]);
  }

  /**
   * Logs params of the step (under `<step>.<key>`, or `<key>` in its child run when nested); a value
   * MLflow already holds differently is refused before anything is sent.
   */
  async logParams(ctx: StepKey, params: Record<string, Scalar>): Promise<void> {
    const log = this.log(ctx);
    for (const [key, value] of Object.entries(params)) {
      const name = this.config.nested ? key : `${ctx.stepName}.${key}`;
      checkKey(name, "param");
      const text = String(value);
      if (text.length > 6000)
        throw new ValidationError(`Param '${name}' is ${text.length} characters long; MLflow keeps at most 6,000.`, {
          hint: "Log long values as an artifact (logArtifact) instead.",
        });
      const earlier = log.params.find((p) => p.key === name);
      if (earlier && earlier.value !== text) throw changedParam(ctx, name, earlier.value, text, "earlier in this step");
      if (!earlier) log.params.push({ key: name, value: text });
    }
    await this.sendIfFull(ctx);
  }

  /** Logs one point per metric at `options.step` (default 0) and `options.timestamp` (default now). */
  async logMetrics(ctx: StepKey, metrics: Record<string, number>, options: MetricOptions = {}): Promise<void> {
    const log = this.log(ctx);
    const timestamp = options.timestamp ?? Date.now();
    const step = options.step ?? 0;
    for (const key in metrics) {
      const value = metrics[key];
      checkKey(key, "metric");
      if (typeof value !== "number" || Number.isNaN(value))
        throw new ValidationError(`Metric '${key}' of step '${ctx.stepName}' is not a number (${String(value)}).`, { hint: "Log numbers only." });
      log.metrics.push({ key, value, timestamp, step });
    }
    await this.sendIfFull(ctx);
  }

  /** Sets tags on the pipeline run's MLflow run (nested: on the step's child run); the last value of a tag wins. */
  async setTags(ctx: StepKey, tags: Record<string, Scalar>): Promise<void> {
    const log = this.log(ctx);
    for (const [key, value] of Object.entries(tags)) {
      checkKey(key, "tag");
      log.tags.push({ key, value: String(value).slice(0, MAX_TAG_VALUE) });
    }
    await this.sendIfFull(ctx);
  }

  /**
   * Uploads a file, or a directory's files, through the server's artifact proxy: a file lands at
   * `<artifactPath>/<file name>`, a directory's files at `<artifactPath>/<path inside it>`.
   */
  async logArtifact(ctx: StepKey, localPath: string, artifactPath = ""): Promise<void> {
    const ref = await this.target(ctx);
    const root = artifactRoot(ref, this.name);
    const prefix = artifactPath.replace(/^\/+|\/+$/g, "");
    const info = await stat(localPath).catch(() => undefined);
    if (!info)
      throw new ValidationError(`Cannot log artifact '${localPath}': no such file or directory.`, {
        hint: "Pass the path of a file or directory the step wrote.",
      });
    const files = info.isDirectory()
      ? (await listFiles(localPath)).map((f) => [f, relative(localPath, f)] as const)
      : [[localPath, basename(localPath)] as const];
    for (const [file, name] of files) {
      await this.client.uploadArtifact(root, prefix ? `${prefix}/${name}` : name, await readFile(file));
    }
  }

  /** The MLflow run of a pipeline run, or undefined when the server holds none. */
  findRun(run: RunKey): Promise<MlflowRunRef | undefined> {
    return this.lookup.find(run);
  }

  /** Nested mode: a step's child run, or undefined when the step logged nothing. */
  findStepRun(step: StepKey): Promise<MlflowRunRef | undefined> {
    return this.lookup.findChild(step, step.stepName);
  }

  /** The MLflow UI page of a pipeline run's values, or undefined. */
  override async runUrl(run: RunKey): Promise<string | undefined> {
    return (await this.findRun(run))?.url;
  }

  /** What the server holds for any MLflow run (one logged by zen or by another client): status, params, last metric values, tags. */
  readRun(runId: string): Promise<MlflowRunData> {
    return readRun(this.client, runId);
  }

  /** Every point of one metric of a run, in MLflow's order. */
  metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return metricHistory(this.client, runId, key);
  }

  /** Sends everything a step logged so far, and waits for it. */
  async flush(ctx: StepKey): Promise<void> {
    await this.settle(ctx);
    const log = this.pending.get(stepKey(ctx));
    if (log?.size) await this.send(ctx, log.drain());
  }

  private log(ctx: StepKey): PendingLog {
    const key = stepKey(ctx);
    let log = this.pending.get(key);
    if (!log) this.pending.set(key, (log = new PendingLog()));
    return log;
  }

  /**
   * A full request goes out while the step keeps logging: the step waits only when the request
   * before it is still on its way. Its failure surfaces at the step's next logging call or flush.
   */
  private async sendIfFull(ctx: StepKey): Promise<void> {
    const key = stepKey(ctx);
    const log = this.pending.get(key);
    if (!log?.full) return;
    await this.settle(ctx);
    const sending = this.send(ctx, log.drain());
    sending.catch(() => {});
    this.sending.set(key, sending);
  }

  /** Waits for the step's request in flight; when it failed, what the step logged since is dropped (nothing half-recorded beyond it). */
  private async settle(ctx: StepKey): Promise<void> {
    const key = stepKey(ctx);
    const sending = this.sending.get(key);
    if (!sending) return;
    this.sending.delete(key);
    try {
      await sending;
    } catch (error) {
      this.pending.delete(key);
      throw error;
    }
  }

  private async send(ctx: StepKey, requests: BatchRequest[]): Promise<void> {
    const ref = await this.target(ctx);
    this.checkParams(ctx, ref, requests);
    const known = this.knownParams.get(ref.runId) ?? new Map<string, string>();
    this.knownParams.set(ref.runId, known);
    for (const request of requests) {
      try {
        await this.client.call("POST", "runs/log-batch", { run_id: ref.runId, ...request });
      } catch (error) {
        if (error instanceof MlflowApiError && /chang\w* param/i.test(error.message)) throw await this.explainChangedParam(ctx, ref, request.params, error);
        throw error;
      }
      for (const p of request.params) known.set(p.key, p.value);
    }
  }

  /** The run a step's values go to: the pipeline run's, or nested, the step's own child run. */
  private target(ctx: StepKey): Promise<MlflowRunRef> {
    if (!this.config.nested) return this.runFor(ctx);
    return this.once(this.childRuns, stepKey(ctx), async () =>
      this.lookup.findOrCreateChild(await this.runFor(ctx), ctx.stepName, [{ key: "zen.pipeline", value: ctx.pipelineName }, ...this.configTags()]),
    );
  }

  /** The run of a pipeline run: found by tag, or created (once per process, shared by concurrent steps). */
  private runFor(run: RunKey, stackName?: string): Promise<MlflowRunRef> {
    return this.once(this.runs, runKey(run), () =>
      this.lookup.findOrCreate(run, [
        { key: "zen.pipeline", value: run.pipelineName },
        { key: "zen.run", value: run.runName },
        ...(stackName ? [{ key: "zen.stack", value: stackName }] : []),
        ...this.configTags(),
      ]),
    );
  }

  private once(cache: Map<string, Promise<MlflowRunRef>>, key: string, make: () => Promise<MlflowRunRef>): Promise<MlflowRunRef> {
    let found = cache.get(key);
    if (!found) {
      found = make();
      cache.set(key, found);
      found.catch(() => cache.delete(key));
    }
    return found;
  }

  private configTags(): { key: string; value: string }[] {
    return Object.entries(this.config.tags ?? {}).map(([key, value]) => ({ key, value }));
  }

  private async endRun(ref: MlflowRunRef, status: string): Promise<void> {
    await this.client.call("POST", "runs/update", { run_id: ref.runId, status, end_time: Date.now() });
    this.knownParams.delete(ref.runId);
  }

  /** Refuses, before anything is sent, a param an earlier attempt of this run logged with another value. */
  private checkParams(ctx: StepKey, ref: MlflowRunRef, requests: BatchRequest[]): void {
    const known = this.knownParams.get(ref.runId);
    if (!known) return;
    for (const p of requests.flatMap((r) => r.params)) {
      const before = known.get(p.key);
      if (before !== undefined && before !== p.value) {
        this.pending.delete(stepKey(ctx));
        throw changedParam(ctx, p.key, before, p.value, `by an earlier attempt of this run (MLflow run ${ref.runId})`);
      }
    }
  }

  private async explainChangedParam(ctx: StepKey, ref: MlflowRunRef, params: { key: string; value: string }[], error: MlflowApiError): Promise<Error> {
    this.pending.delete(stepKey(ctx));
    const run = await this.client
      .call<{ run: { data: { params?: { key: string; value: string }[] } } }>("GET", "runs/get", { run_id: ref.runId })
      .catch(() => undefined);
    const held = new Map((run?.run.data.params ?? []).map((p) => [p.key, p.value]));
    const changed = params.find((p) => held.has(p.key) && held.get(p.key) !== p.value);
    return changed ? changedParam(ctx, changed.key, held.get(changed.key)!, changed.value, `in MLflow run ${ref.runId}`) : error;
  }
}

function runKey(run: RunKey): string {
  return `${run.pipelineName}\u0000${run.runName}`;
}

function stepKey(step: StepKey): string {
  return `${runKey(step)}\u0000${step.stepName}`;
}

/** MLflow's rule for keys: at most 250 characters of letters, digits, `_ - . / space`. */
function checkKey(key: string, kind: string): void {
  if (!/^[\w\-. /]{1,250}$/.test(key) || key.includes("..") || key.startsWith("/")) {
    throw new ValidationError(`Invalid MLflow ${kind} name '${key.slice(0, 80)}'.`, {
      hint: "Use up to 250 letters, digits, underscores, dashes, periods, spaces and slashes (no '..', no leading '/').",
    });
  }
}

function changedParam(ctx: StepKey, key: string, before: string, after: string, where: string): ZenError {
  return new ZenError(
    `Step '${ctx.stepName}' logged param '${key}' = '${after.slice(0, 100)}', ` +
      `but it was already logged as '${before.slice(0, 100)}' ${where}; MLflow never changes a logged param.`,
    {
      code: "ZEN_MLFLOW_PARAM_CHANGED",
      hint: "Run the pipeline under a new run name to record the new value, or log a changing value as a metric or under another key.",
    },
  );
}
