/**
 * Finding and creating the MLflow runs of the tracker: the experiment (by name), a pipeline run's
 * run (by the tags `zen.pipeline` and `zen.run`), and in nested mode a step's child run (by the tags
 * `mlflow.parentRunId` and `zen.step`, as MLflow's own clients nest runs). Finding by tags is what
 * lets a retry, or a step in a process of its own, log into the run that already exists.
 */
import { ZenError } from "@zen/core/flavor";
import { MlflowApiError, type MlflowClient } from "./mlflow-client.ts";

/** Where a pipeline run's (or, nested, a step's) values are on the server. */
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

export interface RunIdentity {
  pipelineName: string;
  runName: string;
}

interface FoundRun {
  info: { run_id: string; artifact_uri: string };
  data?: { params?: { key: string; value: string }[] };
}

type Tag = { key: string; value: string };

export class RunLookup {
  private readonly experiments = new Map<string, Promise<string>>();

  constructor(
    private readonly client: MlflowClient,
    private readonly component: string,
    private readonly experimentName: string | undefined,
    /** Called with the params a found run already holds (a retry must not change them). */
    private readonly onParams: (runId: string, params: Map<string, string>) => void,
  ) {}

  /** The MLflow run of a pipeline run, or undefined when the server holds none (nothing is created). */
  async find(run: RunIdentity): Promise<MlflowRunRef | undefined> {
    const experiment = await this.experimentId(run.pipelineName, false);
    return experiment === undefined ? undefined : this.search(experiment, pipelineRunFilter(run));
  }

  /** The run of a pipeline run, found by its tags or created with them (and marked RUNNING again when found). */
  async findOrCreate(run: RunIdentity, tags: Tag[]): Promise<MlflowRunRef> {
    const experiment = (await this.experimentId(run.pipelineName, true))!;
    return this.searchOrCreate(experiment, pipelineRunFilter(run), { run_name: run.runName, tags });
  }

  /** A step's child run under `parent` (nested mode), found by `mlflow.parentRunId` and `zen.step` or created. */
  findOrCreateChild(parent: MlflowRunRef, stepName: string, tags: Tag[]): Promise<MlflowRunRef> {
    const filter = `tags.\`mlflow.parentRunId\` = '${quote(parent.runId)}' and tags.\`zen.step\` = '${quote(stepName)}'`;
    return this.searchOrCreate(parent.experimentId, filter, {
      run_name: stepName,
      tags: [{ key: "mlflow.parentRunId", value: parent.runId }, { key: "zen.step", value: stepName }, ...tags],
    });
  }

  /** A step's child run, or undefined when the step logged nothing (no child run is created for it). */
  async findChild(run: RunIdentity, stepName: string): Promise<MlflowRunRef | undefined> {
    const parent = await this.find(run);
    if (!parent) return undefined;
    return this.search(parent.experimentId, `tags.\`mlflow.parentRunId\` = '${quote(parent.runId)}' and tags.\`zen.step\` = '${quote(stepName)}'`);
  }

  private async searchOrCreate(experimentId: string, filter: string, create: { run_name: string; tags: Tag[] }): Promise<MlflowRunRef> {
    const existing = await this.search(experimentId, filter);
    if (existing) {
      await this.client.call("POST", "runs/update", { run_id: existing.runId, status: "RUNNING" });
      return existing;
    }
    const created = await this.client.call<{ run: FoundRun }>("POST", "runs/create", { experiment_id: experimentId, start_time: Date.now(), ...create });
    return this.ref(experimentId, created.run, false);
  }

  private async search(experimentId: string, filter: string): Promise<MlflowRunRef | undefined> {
    const answer = await this.client.call<{ runs?: FoundRun[] }>("POST", "runs/search", {
      experiment_ids: [experimentId],
      filter,
      max_results: 1,
      order_by: ["attributes.start_time ASC"],
    });
    const found = answer.runs?.[0];
    if (!found) return undefined;
    this.onParams(found.info.run_id, new Map((found.data?.params ?? []).map((p) => [p.key, p.value])));
    return this.ref(experimentId, found, true);
  }

  /** The experiment's id; created when `create` (two processes creating it at once both end up with it). */
  private experimentId(pipelineName: string, create: boolean): Promise<string | undefined> {
    const name = this.experimentName ?? pipelineName;
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
        throw new ZenError(`MLflow experiment '${name}' of experiment tracker '${this.component}' is deleted.`, {
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

  private ref(experimentId: string, run: FoundRun, reused: boolean): MlflowRunRef {
    const { run_id: runId, artifact_uri: artifactUri } = run.info;
    return { experimentId, runId, artifactUri, reused, url: `${this.client.baseUrl}/#/experiments/${experimentId}/runs/${runId}` };
  }
}

function pipelineRunFilter(run: RunIdentity): string {
  return `tags.\`zen.pipeline\` = '${quote(run.pipelineName)}' and tags.\`zen.run\` = '${quote(run.runName)}'`;
}

function quote(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
}
