/**
 * The `mlflow` experiment tracker: one MLflow run per pipeline run, in the experiment named by the
 * config (default: the pipeline's name). The run carries the tags `zen.pipeline`, `zen.run` and
 * `zen.stack`, so that any process running a step of the same pipeline run (a retry, a step in its
 * own container) finds it again instead of creating a second one. Steps log through
 * `logParams`/`logMetrics`/`setTags`/`logArtifact` with their context; values are buffered and sent
 * through `runs/log-batch` when a request is full and at the end of the step, also when it failed.
 * Params are prefixed by the step (`train.learning_rate`), because MLflow never changes a logged param.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { BaseExperimentTracker, ValidationError, ZenError, type PipelineDeployment, type StepRunInfo } from "@zen/core/flavor";
import type { MlflowExperimentTrackerConfig } from "./config.ts";
import { MlflowApiError, MlflowClient } from "./mlflow-client.ts";
import { PendingLog } from "./log-batch.ts";
import { metricHistory, readRun, type MetricPoint, type MlflowRunData } from "./run-reader.ts";

export type { MetricPoint, MlflowRunData } from "./run-reader.ts";

/** Where a pipeline run's values are on the server. */
export interface MlflowRunRef {
  experimentId: string;
  runId: string;
  /** The run's page in the MLflow UI. */
  url: string;
  /** `mlflow-artifacts:/<experiment>/<run>/artifacts` on a server with --serve-artifacts. */
  artifactUri: string;
  /** True when the run existed before this process looked for it (a retry or another step's process). */
  reused: boolean;
}

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
  private readonly experiments = new Map<string, Promise<string>>();
  private readonly runs = new Map<string, Promise<MlflowRunRef>>();
  private readonly pending = new Map<string, PendingLog>();
  /** Tags sent with the run's end, by run (present while this process runs the whole pipeline run). */
  private readonly runTags = new Map<string, { key: string; value: string }[]>();
  /** Params already on the server per MLflow run (known after a lookup on a reused run, or after sending). */
  private readonly knownParams = new Map<string, Map<string, string>>();

  get client(): MlflowClient {
    this.clientInstance ??= new MlflowClient({
      trackingUri: this.config.tracking_uri,
      username: this.config.username,
      password: this.config.password,
      token: this.config.token,
      timeoutMs: this.config.timeout_seconds === undefined ? undefined : this.config.timeout_seconds * 1000,
      what: `experiment tracker '${this.name}'`,
    });
    return this.clientInstance;
  }

  override async preparePipelineRun(deployment: PipelineDeployment): Promise<void> {
    await this.runFor(deployment, deployment.stackName);
    this.runTags.set(runKey(deployment), []);
  }

  override async prepareStepRun(step: StepRunInfo): Promise<void> {
    await this.runFor(step);
  }

  /**
   * Sends what the step logged, with its `zen.step.<name>` tag. A step that logged nothing costs no
   * request: its tag waits for the run's end (a step in a process of its own sends it at once).
   */
  override async cleanupStepRun(step: StepRunInfo): Promise<void> {
    const tag = { key: `zen.step.${step.stepName}`, value: "ended" };
    const deferred = this.runTags.get(runKey(step));
    if (!this.pending.get(stepKey(step))?.size && deferred) deferred.push(tag);
    else this.log(step).tags.push(tag);
    await this.flush(step);
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
    const outcome = deployment.outcome ?? { status: "completed" as const };
    if (outcome.status !== "completed" && outcome.error) tags.push({ key: "zen.error", value: outcome.error.slice(0, MAX_TAG_VALUE) });
    for (let i = 0; i < tags.length; i += 100) await this.client.call("POST", "runs/log-batch", { run_id: ref.runId, tags: tags.slice(i, i + 100) });
    await this.client.call("POST", "runs/update", { run_id: ref.runId, status: STATUS[outcome.status], end_time: Date.now() });
    this.knownParams.delete(ref.runId);
  }

  /** Logs params of the step, under `<step>.<key>`; a value MLflow already holds differently is refused before anything is sent. */
  async logParams(ctx: StepKey, params: Record<string, Scalar>): Promise<void> {
    const log = this.log(ctx);
    for (const [key, value] of Object.entries(params)) {
      const name = `${ctx.stepName}.${key}`;
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
    await this.flushIfFull(ctx);
  }

  /** Logs one point per metric at `options.step` (default 0) and `options.timestamp` (default now). */
  async logMetrics(ctx: StepKey, metrics: Record<string, number>, options: MetricOptions = {}): Promise<void> {
    const log = this.log(ctx);
    const timestamp = options.timestamp ?? Date.now();
    const step = options.step ?? 0;
    for (const [key, value] of Object.entries(metrics)) {
      checkKey(key, "metric");
      if (typeof value !== "number" || Number.isNaN(value))
        throw new ValidationError(`Metric '${key}' of step '${ctx.stepName}' is not a number (${String(value)}).`, { hint: "Log numbers only." });
      log.metrics.push({ key, value, timestamp, step });
    }
    await this.flushIfFull(ctx);
  }

  /** Sets tags on the pipeline run's MLflow run (the last value of a tag wins). */
  async setTags(ctx: StepKey, tags: Record<string, Scalar>): Promise<void> {
    const log = this.log(ctx);
    for (const [key, value] of Object.entries(tags)) {
      checkKey(key, "tag");
      log.tags.push({ key, value: String(value).slice(0, MAX_TAG_VALUE) });
    }
    await this.flushIfFull(ctx);
  }

  /**
   * Uploads a file, or a directory's files, through the server's artifact proxy: a file lands at
   * `<artifactPath>/<file name>`, a directory's files at `<artifactPath>/<path inside it>`.
   */
  async logArtifact(ctx: StepKey, localPath: string, artifactPath = ""): Promise<void> {
    const ref = await this.runFor(ctx);
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
  async findRun(run: RunKey): Promise<MlflowRunRef | undefined> {
    const experiment = await this.experimentId(run.pipelineName, false);
    return experiment === undefined ? undefined : this.searchRun(experiment, run);
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

  /** Sends everything a step logged so far. */
  async flush(ctx: StepKey): Promise<void> {
    const key = stepKey(ctx);
    const log = this.pending.get(key);
    if (!log || log.size === 0) return;
    const ref = await this.runFor(ctx);
    await this.checkParams(ctx, ref, log.params);
    for (const request of log.drain()) {
      try {
        await this.client.call("POST", "runs/log-batch", { run_id: ref.runId, ...request });
      } catch (error) {
        if (error instanceof MlflowApiError && /chang\w* param/i.test(error.message)) throw await this.explainChangedParam(ctx, ref, request.params, error);
        throw error;
      }
      const known = this.knownParams.get(ref.runId) ?? new Map<string, string>();
      for (const p of request.params) known.set(p.key, p.value);
      this.knownParams.set(ref.runId, known);
    }
    this.pending.delete(key);
  }

  private log(ctx: StepKey): PendingLog {
    const key = stepKey(ctx);
    let log = this.pending.get(key);
    if (!log) this.pending.set(key, (log = new PendingLog()));
    return log;
  }

  private async flushIfFull(ctx: StepKey): Promise<void> {
    if (this.pending.get(stepKey(ctx))?.full) await this.flush(ctx);
  }

  /** The run of a pipeline run: found by tag, or created (once per process, shared by concurrent steps). */
  private runFor(run: RunKey, stackName?: string): Promise<MlflowRunRef> {
    const key = runKey(run);
    let found = this.runs.get(key);
    if (!found) {
      found = this.findOrCreateRun(run, stackName);
      this.runs.set(key, found);
      found.catch(() => this.runs.delete(key));
    }
    return found;
  }

  private async findOrCreateRun(run: RunKey, stackName: string | undefined): Promise<MlflowRunRef> {
    const experiment = (await this.experimentId(run.pipelineName, true))!;
    const existing = await this.searchRun(experiment, run);
    if (existing) {
      await this.client.call("POST", "runs/update", { run_id: existing.runId, status: "RUNNING" });
      return existing;
    }
    const tags = [
      { key: "zen.pipeline", value: run.pipelineName },
      { key: "zen.run", value: run.runName },
      ...(stackName ? [{ key: "zen.stack", value: stackName }] : []),
      ...Object.entries(this.config.tags ?? {}).map(([key, value]) => ({ key, value })),
    ];
    const created = await this.client.call<{ run: { info: { run_id: string; artifact_uri: string } } }>("POST", "runs/create", {
      experiment_id: experiment,
      run_name: run.runName,
      start_time: Date.now(),
      tags,
    });
    return this.ref(experiment, created.run.info.run_id, created.run.info.artifact_uri, false);
  }

  private async searchRun(experimentId: string, run: RunKey): Promise<MlflowRunRef | undefined> {
    const filter = `tags.\`zen.pipeline\` = '${quote(run.pipelineName)}' and tags.\`zen.run\` = '${quote(run.runName)}'`;
    const answer = await this.client.call<{
      runs?: { info: { run_id: string; artifact_uri: string }; data?: { params?: { key: string; value: string }[] } }[];
    }>("POST", "runs/search", { experiment_ids: [experimentId], filter, max_results: 1, order_by: ["attributes.start_time ASC"] });
    const found = answer.runs?.[0];
    if (!found) return undefined;
    this.knownParams.set(found.info.run_id, new Map((found.data?.params ?? []).map((p) => [p.key, p.value])));
    return this.ref(experimentId, found.info.run_id, found.info.artifact_uri, true);
  }

  /** The experiment's id; created when `create` (two processes creating it at once both end up with it). */
  private experimentId(pipelineName: string, create: boolean): Promise<string | undefined> {
    const name = this.config.experiment_name ?? pipelineName;
    const cached = this.experiments.get(name);
    if (cached) return cached;
    const lookup = (async () => {
      const existing = await this.getExperiment(name);
      if (existing !== undefined || !create) return existing;
      try {
        return (await this.client.call<{ experiment_id: string }>("POST", "experiments/create", { name })).experiment_id;
      } catch (error) {
        if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_ALREADY_EXISTS") return (await this.getExperiment(name))!;
        throw error;
      }
    })();
    if (create) {
      this.experiments.set(name, lookup as Promise<string>);
      lookup.catch(() => this.experiments.delete(name));
    }
    return lookup;
  }

  private async getExperiment(name: string): Promise<string | undefined> {
    try {
      const answer = await this.client.call<{ experiment: { experiment_id: string; lifecycle_stage: string } }>("GET", "experiments/get-by-name", {
        experiment_name: name,
      });
      if (answer.experiment.lifecycle_stage === "deleted") {
        throw new ZenError(`MLflow experiment '${name}' of experiment tracker '${this.name}' is deleted.`, {
          code: "ZEN_MLFLOW_EXPERIMENT_DELETED",
          hint: "Restore it in the MLflow UI, delete it for good (mlflow gc), or set the component's experiment_name to another name.",
        });
      }
      return answer.experiment.experiment_id;
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
      throw error;
    }
  }

  /** Refuses, before anything is sent, a param an earlier attempt of this run logged with another value. */
  private async checkParams(ctx: StepKey, ref: MlflowRunRef, params: { key: string; value: string }[]): Promise<void> {
    const known = this.knownParams.get(ref.runId);
    if (!known) return;
    for (const p of params) {
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

  private ref(experimentId: string, runId: string, artifactUri: string, reused: boolean): MlflowRunRef {
    return { experimentId, runId, artifactUri, reused, url: `${this.client.baseUrl}/#/experiments/${experimentId}/runs/${runId}` };
  }
}

function runKey(run: RunKey): string {
  return `${run.pipelineName}\u0000${run.runName}`;
}

function stepKey(step: StepKey): string {
  return `${runKey(step)}\u0000${step.stepName}`;
}

function quote(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
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
    `Step '${ctx.stepName}' logged param '${key}' = '${after.slice(0, 100)}', but it was already logged as '${before.slice(0, 100)}' ${where}; MLflow never changes a logged param.`,
    {
      code: "ZEN_MLFLOW_PARAM_CHANGED",
      hint: "Run the pipeline under a new run name to record the new value, or log a changing value as a metric or under another key.",
    },
  );
}

/** The path under the artifact proxy (`<experiment>/<run>/artifacts`) of a run's `mlflow-artifacts:` URI. */
function artifactRoot(ref: MlflowRunRef, component: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(ref.artifactUri);
  if (!match) {
    throw new ZenError(`The MLflow server of experiment tracker '${component}' stores artifacts at '${ref.artifactUri}' instead of proxying them.`, {
      code: "ZEN_MLFLOW_NO_ARTIFACT_PROXY",
      hint: "Start the tracking server with --serve-artifacts (and --artifacts-destination), so that clients need no storage credentials.",
    });
  }
  return match[1]!.replace(/\/+$/, "");
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
