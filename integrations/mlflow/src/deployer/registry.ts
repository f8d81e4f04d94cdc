/**
 * MLflow's model registry with MLflow 3 semantics: a model is a *logged model* (`m-<id>`, its files
 * under `<experiment>/models/<id>/artifacts` behind the artifact proxy), and a registered model's
 * version is created from it with the source `models:/m-<id>` and its `model_id`, which is what
 * `mlflow models serve -m models:/<name>/<version>` resolves.
 */
import { NotFoundError, ZenError } from "@zen/core/flavor";
import { MlflowApiError, type MlflowClient } from "../mlflow-client.ts";

export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  /** `mlflow-artifacts:/<experiment>/models/<id>/artifacts`. */
  artifactUri: string;
  status: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  source: string;
  /** The logged model's id, from the source `models:/m-<id>`. */
  modelId: string | undefined;
  status: string;
}

interface LoggedModelAnswer {
  model: { info: { model_id: string; experiment_id: string; name: string; artifact_uri: string; status: string } };
}

interface ModelVersionAnswer {
  model_version: { name: string; version: string; source: string; status: string; model_id?: string };
}

/** The id of the experiment `name`, created when missing (two processes creating it at once both end up with it). */
export async function experimentId(client: MlflowClient, name: string): Promise<string> {
  const get = () =>
    client.call<{ experiment: { experiment_id: string } }>("GET", "experiments/get-by-name", { experiment_name: name }).then(
      (a) => a.experiment.experiment_id,
      (error: unknown) => {
        if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
        throw error;
      },
    );
  const existing = await get();
  if (existing !== undefined) return existing;
  try {
    return (await client.call<{ experiment_id: string }>("POST", "experiments/create", { name })).experiment_id;
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_ALREADY_EXISTS") return (await get())!;
    throw error;
  }
}

/** A new logged model in `experimentId`, PENDING until `finishLoggedModel`. */
export async function createLoggedModel(client: MlflowClient, experimentId: string, name: string, modelType: string): Promise<LoggedModel> {
  const answer = await client.call<LoggedModelAnswer>("POST", "logged-models", { experiment_id: experimentId, name, model_type: modelType });
  return loggedModel(answer);
}

export async function getLoggedModel(client: MlflowClient, modelId: string): Promise<LoggedModel> {
  try {
    return loggedModel(await client.call<LoggedModelAnswer>("GET", `logged-models/${encodeURIComponent(modelId)}`));
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") {
      throw new NotFoundError(`The MLflow server at ${client.baseUrl} has no logged model '${modelId}'.`, {
        hint: "Pass the model_id of a model logged on this server (mlflow.<flavor>.log_model returns it as model_info.model_id).",
      });
    }
    throw error;
  }
}

/** Uploads the logged model's files through the artifact proxy, then marks it READY. */
export async function finishLoggedModel(client: MlflowClient, model: LoggedModel, files: Record<string, string | Uint8Array>): Promise<void> {
  const root = artifactRoot(model.artifactUri, client.baseUrl);
  for (const [path, content] of Object.entries(files)) {
    await client.uploadArtifact(root, path, typeof content === "string" ? new TextEncoder().encode(content) : content);
  }
  await client.call("PATCH", `logged-models/${encodeURIComponent(model.modelId)}`, { model_id: model.modelId, status: "LOGGED_MODEL_READY" });
}

/** One file of a logged model. */
export async function readLoggedModelFile(client: MlflowClient, model: LoggedModel, path: string): Promise<Uint8Array> {
  return client.downloadArtifact(artifactRoot(model.artifactUri, client.baseUrl), path);
}

/** Registers a version of `name` (creating the registered model the first time) from a logged model. */
export async function registerModelVersion(client: MlflowClient, name: string, model: LoggedModel): Promise<ModelVersion> {
  try {
    await client.call("POST", "registered-models/create", { name });
  } catch (error) {
    if (!(error instanceof MlflowApiError && error.errorCode === "RESOURCE_ALREADY_EXISTS")) throw error;
  }
  const answer = await client.call<ModelVersionAnswer>("POST", "model-versions/create", {
    name,
    source: `models:/${model.modelId}`,
    model_id: model.modelId,
  });
  return modelVersion(answer);
}

export async function getModelVersion(client: MlflowClient, name: string, version: string): Promise<ModelVersion> {
  try {
    return modelVersion(await client.call<ModelVersionAnswer>("GET", "model-versions/get", { name, version }));
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") {
      throw new NotFoundError(`The MLflow model registry at ${client.baseUrl} has no version ${version} of model '${name}'.`, {
        hint: "List the versions in the MLflow UI (Models), or deploy a logged model to create one.",
      });
    }
    throw error;
  }
}

function loggedModel(answer: LoggedModelAnswer): LoggedModel {
  const info = answer.model.info;
  return { modelId: info.model_id, experimentId: info.experiment_id, name: info.name, artifactUri: info.artifact_uri, status: info.status };
}

function modelVersion(answer: ModelVersionAnswer): ModelVersion {
  const v = answer.model_version;
  const fromSource = /^models:\/(m-[0-9a-f]+)$/.exec(v.source)?.[1];
  return { name: v.name, version: v.version, source: v.source, modelId: v.model_id || fromSource, status: v.status };
}

/** The path behind the artifact proxy of an `mlflow-artifacts:` URI. */
function artifactRoot(uri: string, server: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(uri);
  if (!match) {
    throw new ZenError(`The MLflow server at ${server} stores model files at '${uri}' instead of proxying them.`, {
      code: "ZEN_MLFLOW_NO_ARTIFACT_PROXY",
      hint: "Start the tracking server with --serve-artifacts (and --artifacts-destination), so that clients need no storage credentials.",
    });
  }
  return match[1]!.replace(/\/+$/, "");
}
