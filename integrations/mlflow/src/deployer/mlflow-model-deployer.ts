/**
 * The `mlflow` model deployer: deploying registers a version in MLflow's model registry (from a
 * logged model, MLflow 3 style) and serves it as a local service under `service_path`: Python
 * (pyfunc) models with `mlflow models serve --env-manager local`, zen's TypeScript models with zen's
 * Node prediction server (same scoring protocol). Services outlive the zen process that started them;
 * any later zen process finds, checks, stops or restarts them from their directory.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BaseModelDeployer, NotFoundError, ValidationError, ZenError, type ModelService, type ServiceLogOptions } from "@zen/core/flavor";
import type { MlflowModelDeployerConfig } from "../config.ts";
import { clientFor, type MlflowClient } from "../mlflow-client.ts";
import {
  createLoggedModel,
  experimentId,
  finishLoggedModel,
  getLoggedModel,
  getModelVersion,
  readLoggedModelFile,
  registerModelVersion,
  type LoggedModel,
  type ModelVersion,
} from "./registry.ts";
import * as files from "./service-files.ts";
import { freePort, healthy, isServiceProcess, portInUse, startProcess, stopGroup, waitHealthy } from "./service-process.ts";

/** What to deploy: exactly one of `modelId`, `version` or `typescript`. */
export interface MlflowDeployRequest {
  /** The registered model (created on first use). */
  modelName: string;
  /** The service's name (default: the model's name). A service of that name is replaced. */
  serviceName?: string | undefined;
  /** A model logged on the server (`m-<id>`, e.g. by `mlflow.sklearn.log_model`): registered as a new version. */
  modelId?: string | undefined;
  /** A version already in the registry. */
  version?: string | undefined;
  /** A TypeScript model: logged and registered by zen, served by its Node prediction server. */
  typescript?: TypeScriptModel | undefined;
  /** The local port (default: the replaced service's, else a free one). */
  port?: number | undefined;
}

export interface TypeScriptModel {
  /** The module exporting the predict function (`(data, input) => predictions`): a path or file URL, JavaScript or TypeScript. */
  module: string | URL;
  /** Its export (default `predict`). */
  export?: string | undefined;
  /** JSON-serializable data predict receives (e.g. trained weights). */
  data: unknown;
  /** The MLflow experiment the logged model goes under (default `zen-models`). */
  experimentName?: string | undefined;
}

const NODE_MODEL_ARTIFACT = "zen-model.json";
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const DEFAULT_START_TIMEOUT_S = 120;
const LOG_TAIL_LINES = 20;

export class MlflowModelDeployer extends BaseModelDeployer<MlflowModelDeployerConfig, MlflowDeployRequest> {
  private clientInstance: MlflowClient | undefined;

  get client(): MlflowClient {
    this.clientInstance ??= clientFor(this.config, `model deployer '${this.name}'`);
    return this.clientInstance;
  }

  /** Where the services live: `service_path`, else `local_stores/<component id>/services` in zen's config directory. */
  get servicePath(): string {
    return this.config.service_path ?? join(this.configDir, "local_stores", this.id, "services");
  }

  override async deployModel(request: MlflowDeployRequest): Promise<ModelService> {
    const given = [request.modelId, request.version, request.typescript].filter((v) => v !== undefined).length;
    if (given !== 1) {
      throw new ValidationError(`Deploying model '${request.modelName}' needs exactly one of modelId, version or typescript (got ${given}).`, {
        hint: "Pass modelId (a model logged on the server), version (a registered version) or typescript ({ module, export, data }).",
      });
    }
    const serviceName = request.serviceName ?? request.modelName.replace(/[^A-Za-z0-9_.-]+/g, "-");
    if (!SERVICE_NAME.test(serviceName)) {
      throw new ValidationError(`Invalid service name '${serviceName}'.`, {
        hint: "Use up to 100 letters, digits, '_', '-' and '.', starting with a letter or digit.",
      });
    }
    const root = this.servicePath;
    // Everything that can be checked is checked before anything is registered or logged.
    let pathPrefix: string | undefined;
    const nodeSource = request.typescript ? predictorSource(request.typescript) : undefined;
    let logged: LoggedModel;
    let nodeModel: files.NodeModelFile | undefined;
    let runtime: files.Runtime;
    let version: ModelVersion;
    if (request.typescript && nodeSource) {
      const experiment = await experimentId(this.client, request.typescript.experimentName ?? "zen-models");
      logged = await createLoggedModel(this.client, experiment, request.modelName, "zen-node");
      nodeModel = { ...nodeSource, data: request.typescript.data, version: "" };
      await finishLoggedModel(this.client, logged, {
        MLmodel: mlmodelFile(logged, `${nodeSource.module}#${nodeSource.export}`),
        [NODE_MODEL_ARTIFACT]: JSON.stringify(nodeModel),
      });
      runtime = "node";
      version = await registerModelVersion(this.client, request.modelName, logged);
    } else {
      if (request.modelId) {
        logged = await getLoggedModel(this.client, request.modelId);
        runtime = await this.runtimeOf(logged, `Logged model ${logged.modelId}`);
        if (runtime === "python") pathPrefix = dirname(mlflowProgram());
        version = await registerModelVersion(this.client, request.modelName, logged);
      } else {
        version = await getModelVersion(this.client, request.modelName, request.version!);
        if (!version.modelId) {
          throw new ZenError(`Version ${version.version} of model '${version.name}' comes from '${version.source}', not from a logged model.`, {
            code: "ZEN_MLFLOW_NOT_SERVABLE",
            hint: "Register versions from logged models (source models:/m-<id>), as MLflow 3 does, or deploy the logged model by its modelId.",
          });
        }
        logged = await getLoggedModel(this.client, version.modelId);
        runtime = await this.runtimeOf(logged, `Version ${version.version} of model '${version.name}'`);
        if (runtime === "python") pathPrefix = dirname(mlflowProgram());
      }
      if (runtime === "node") nodeModel = JSON.parse(new TextDecoder().decode(await readLoggedModelFile(this.client, logged, NODE_MODEL_ARTIFACT)));
    }

    return files.withServiceLock(root, serviceName, async () => {
      const previous = await files.readService(root, serviceName);
      if (previous) await this.stopProcess(previous);
      const port = request.port ?? (previous && !(await portInUse(previous.port)) ? previous.port : await freePort());
      const modelUri = `models:/${version.name}/${version.version}`;
      const record: files.ServiceRecord = {
        format_version: files.SERVICE_FORMAT_VERSION,
        name: serviceName,
        model: version.name,
        version: version.version,
        runtime,
        modelUri,
        modelId: logged.modelId,
        port,
        command: [],
        pathPrefix,
        desired: "running",
        createdAt: new Date().toISOString(),
        startedAt: undefined,
        lastError: undefined,
      };
      await files.writeService(root, record);
      if (nodeModel) await files.writeNodeModel(root, serviceName, { ...nodeModel, version: `${modelUri} (${logged.modelId})` });
      return this.launch(record);
    });
  }

  override async listServices(): Promise<ModelService[]> {
    return Promise.all((await files.listServices(this.servicePath)).map((r) => this.describe(r)));
  }

  override async getService(name: string): Promise<ModelService> {
    return this.describe(await this.record(name));
  }

  override async startService(name: string): Promise<ModelService> {
    await this.record(name);
    return files.withServiceLock(this.servicePath, name, async () => {
      const record = await this.record(name);
      const current = await this.describe(record);
      if (current.status === "running") return current;
      if (await portInUse(record.port)) record.port = await freePort();
      return this.launch(record);
    });
  }

  override async stopService(name: string): Promise<ModelService> {
    await this.record(name);
    return files.withServiceLock(this.servicePath, name, async () => {
      const record = await this.record(name);
      await this.stopProcess(record);
      record.desired = "stopped";
      await files.writeService(this.servicePath, record);
      return this.describe(record);
    });
  }

  override async deleteService(name: string): Promise<void> {
    await this.record(name);
    await files.withServiceLock(this.servicePath, name, async () => {
      await this.stopProcess(await this.record(name));
      await files.removeService(this.servicePath, name);
    });
  }

  override async serviceLogs(name: string, options: ServiceLogOptions = {}): Promise<string> {
    await this.record(name);
    return files.readLog(files.logFile(this.servicePath, name), options.tail);
  }

  /** `python` for a pyfunc model (what `mlflow models serve` serves), `node` for zen's TypeScript models. */
  private async runtimeOf(model: LoggedModel, what: string): Promise<files.Runtime> {
    const mlmodel = new TextDecoder().decode(await readLoggedModelFile(this.client, model, "MLmodel"));
    if (/^\s+zen_node:/m.test(mlmodel)) return "node";
    if (/^\s+python_function:/m.test(mlmodel)) return "python";
    throw new ZenError(`${what} has neither a python_function nor a zen_node flavor, so it cannot be served locally.`, {
      code: "ZEN_MLFLOW_NOT_SERVABLE",
      hint: "Log the model with an MLflow flavor that provides python_function (mlflow.sklearn, mlflow.pyfunc, …), or deploy a TypeScript model.",
    });
  }

  private async record(name: string): Promise<files.ServiceRecord> {
    const record = SERVICE_NAME.test(name) ? await files.readService(this.servicePath, name) : undefined;
    if (!record) {
      const known = (await files.listServices(this.servicePath)).map((r) => r.name);
      throw new NotFoundError(`Model deployer '${this.name}' has no service '${name}'.`, {
        hint: known.length > 0 ? `Its services: ${known.join(", ")}.` : "It has no services yet: deploy a model first (deployModel in a pipeline step).",
      });
    }
    return record;
  }

  /** Starts the service's process and waits until it answers; on failure the error carries the end of its log. */
  private async launch(record: files.ServiceRecord): Promise<ModelService> {
    const root = this.servicePath;
    const dir = files.serviceDir(root, record.name);
    record.command = record.runtime === "python" ? pythonCommand(record) : nodeCommand(record, dir);
    record.desired = "running";
    record.startedAt = new Date().toISOString();
    record.lastError = undefined;
    await files.writeService(root, record);
    const log = files.logFile(root, record.name);
    const started = startProcess(record.command, dir, this.environment(record), log);
    await files.writePid(root, record.name, started.pid > 0 ? started.pid : undefined);
    const timeoutMs = (this.config.start_timeout_seconds ?? DEFAULT_START_TIMEOUT_S) * 1000;
    try {
      await waitHealthy(baseUrl(record), started, timeoutMs);
    } catch (error) {
      if (started.pid > 0) await stopGroup(started.pid);
      await files.writePid(root, record.name, undefined);
      record.lastError = (error as Error).message;
      await files.writeService(root, record);
      const tail = (await files.readLog(log, LOG_TAIL_LINES)).trimEnd();
      throw new ZenError(
        `Prediction service '${record.name}' (${record.modelUri}) of model deployer '${this.name}' did not start: ${record.lastError}. ` +
          `The end of its log (${log}):\n${indent(tail || "(empty)")}`,
        {
          code: "ZEN_MODEL_SERVICE_START_FAILED",
          hint: `Fix the cause shown in the log, then run \`zen model-deployer models start ${record.name}\`.`,
        },
      );
    }
    return this.describe(record);
  }

  /** Credentials reach the process through its environment, never through its files. */
  private environment(record: files.ServiceRecord): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: this.config.tracking_uri };
    for (const key of ["MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"]) delete env[key];
    if (this.config.username !== undefined) {
      env.MLFLOW_TRACKING_USERNAME = this.config.username;
      env.MLFLOW_TRACKING_PASSWORD = this.config.password;
    }
    if (this.config.token !== undefined) env.MLFLOW_TRACKING_TOKEN = this.config.token;
    if (this.config.insecure_tls) env.MLFLOW_TRACKING_INSECURE_TLS = "true";
    if (record.pathPrefix) env.PATH = `${record.pathPrefix}${delimiter}${process.env.PATH ?? ""}`;
    return env;
  }

  private async stopProcess(record: files.ServiceRecord): Promise<void> {
    const pid = await files.readPid(this.servicePath, record.name);
    if (pid !== undefined && isServiceProcess(pid, files.serviceDir(this.servicePath, record.name))) await stopGroup(pid);
    await files.writePid(this.servicePath, record.name, undefined);
  }

  private async describe(record: files.ServiceRecord): Promise<ModelService> {
    const root = this.servicePath;
    const pid = await files.readPid(root, record.name);
    const alive = pid !== undefined && isServiceProcess(pid, files.serviceDir(root, record.name));
    const answering = alive && (await healthy(baseUrl(record)));
    const status = alive ? "running" : record.desired === "running" ? "failed" : "stopped";
    const details: Record<string, string> = {
      modelUri: record.modelUri,
      registry: `${this.client.baseUrl}/#/models/${encodeURIComponent(record.model)}/versions/${record.version}`,
    };
    if (record.modelId) details.modelId = record.modelId;
    if (alive) details.health = answering ? "answering" : "not answering";
    if (record.lastError) details.lastError = record.lastError;
    return {
      name: record.name,
      model: record.model,
      version: record.version,
      runtime: record.runtime,
      status,
      predictionUrl: alive ? `${baseUrl(record)}/invocations` : undefined,
      pid: alive ? pid : undefined,
      port: record.port,
      logFile: files.logFile(root, record.name),
      createdAt: record.createdAt,
      details,
    };
  }
}

function baseUrl(record: files.ServiceRecord): string {
  return `http://127.0.0.1:${record.port}`;
}

function pythonCommand(record: files.ServiceRecord): string[] {
  const program = record.pathPrefix ? join(record.pathPrefix, "mlflow") : mlflowProgram();
  return [program, "models", "serve", "-m", record.modelUri, "--env-manager", "local", "--host", "127.0.0.1", "--port", String(record.port), "--workers", "1"];
}

/** The Node prediction server, from the same build of this package (TypeScript source through tsx). */
function nodeCommand(record: files.ServiceRecord, dir: string): string[] {
  const fromSource = import.meta.url.endsWith(".ts");
  const server = fileURLToPath(new URL(`./prediction-server.${fromSource ? "ts" : "js"}`, import.meta.url));
  const loader = ["--import", tsxLoader()];
  return [process.execPath, ...loader, server, dir, String(record.port)];
}

/** tsx (a dependency of @zen/core): TypeScript predict modules load through it, and the server itself when zen runs from source. */
function tsxLoader(): string {
  // tsx's full loader (ESM and CommonJS hooks): a .ts file outside a "type": "module" package loads as CommonJS.
  const core = createRequire(import.meta.url).resolve("@zen/core/package.json");
  return pathToFileURL(join(dirname(createRequire(core).resolve("tsx/package.json")), "dist/loader.mjs")).href;
}

/** The `mlflow` program on PATH (a Python environment with MLflow and the model's libraries). */
function mlflowProgram(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "mlflow"))) return join(dir, "mlflow");
  }
  throw new ZenError("The mlflow program is not on PATH, so Python models cannot be served.", {
    code: "ZEN_MLFLOW_NOT_INSTALLED",
    hint: "Install MLflow and the model's libraries in a Python environment (pip install mlflow scikit-learn) and put its bin directory on PATH.",
  });
}

/** The predict module as a file URL, checked to exist before anything is logged. */
function predictorSource(model: TypeScriptModel): { module: string; export: string } {
  const raw = model.module;
  const url = raw instanceof URL ? raw : /^file:/.test(raw) ? new URL(raw) : pathToFileURL(isAbsolute(raw) ? raw : resolve(raw));
  if (url.protocol !== "file:" || !existsSync(fileURLToPath(url))) {
    throw new ValidationError(`The predict module '${String(raw)}' of the TypeScript model does not exist.`, {
      hint: 'Pass the path or file URL of a module on this machine, e.g. new URL("./predict.ts", import.meta.url).',
    });
  }
  return { module: url.href, export: model.export ?? "predict" };
}

/** The logged model's MLmodel file: its `zen_node` flavor says which module predicts and where its data is. */
function mlmodelFile(model: LoggedModel, predictor: string): string {
  return [
    `artifact_path: ${model.artifactUri}`,
    "flavors:",
    "  zen_node:",
    `    predictor: ${predictor}`,
    `    data: ${NODE_MODEL_ARTIFACT}`,
    `model_id: ${model.modelId}`,
    "",
  ].join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
