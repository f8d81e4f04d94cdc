/**
 * The model deployer contract: a deployer turns a model version into a prediction service and manages
 * the services it started (list, describe, start, stop, delete, logs). `zen model-deployer models …`
 * speaks only this contract, so any flavor that implements it gets the commands. A flavor that serves
 * nothing locally may leave the service methods alone: each says so with a ZenError.
 */
import { ZenError } from "../errors.ts";
import { StackComponent } from "../stack-component.ts";

export type ModelServiceStatus = "running" | "stopped" | "failed";

/** One prediction service, as a deployer reports it (also after the process that started it ended). */
export interface ModelService {
  /** Unique among the deployer's services; what the CLI takes. */
  name: string;
  /** The model (e.g. a registered model's name) and its version. */
  model: string;
  version: string;
  /** How it is served, e.g. `python` (mlflow models serve) or `node`. */
  runtime: string;
  status: ModelServiceStatus;
  /** The scoring endpoint (`POST` here); set while running. */
  predictionUrl: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  /** Where the service writes its output. */
  logFile: string | undefined;
  createdAt: string;
  /** Flavor facts worth showing (model URI, registry link, …). */
  details: Record<string, string>;
}

export interface ServiceLogOptions {
  /** Only the last lines (default: all). */
  tail?: number | undefined;
}

export abstract class BaseModelDeployer<Config = Record<string, unknown>, Request = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "model_deployer" as const;

  /** Deploys a model version and starts serving it; resolves once the service answers. */
  async deployModel(_request: Request): Promise<ModelService> {
    throw this.unsupported("deploy models");
  }

  /** Every service of this deployer, running or not, by name. */
  async listServices(): Promise<ModelService[]> {
    throw this.unsupported("list services");
  }

  /** One service (a NotFoundError names the known ones when there is no such service). */
  async getService(_name: string): Promise<ModelService> {
    throw this.unsupported("describe services");
  }

  /** Starts a stopped service again; a running one is left alone. */
  async startService(_name: string): Promise<ModelService> {
    throw this.unsupported("start services");
  }

  /** Stops a service (with everything it started); a stopped one is left alone. */
  async stopService(_name: string): Promise<ModelService> {
    throw this.unsupported("stop services");
  }

  /** Stops a service and removes everything zen keeps of it (not the model version in its registry). */
  async deleteService(_name: string): Promise<void> {
    throw this.unsupported("delete services");
  }

  /** The service's log. */
  async serviceLogs(_name: string, _options: ServiceLogOptions = {}): Promise<string> {
    throw this.unsupported("show service logs");
  }

  protected unsupported(what: string): ZenError {
    return new ZenError(`The ${this.flavor} model deployer '${this.name}' cannot ${what}.`, {
      code: "ZEN_NOT_SUPPORTED",
      hint: "Use the model server's own tools for this flavor, or a model deployer flavor that manages its services (e.g. mlflow).",
    });
  }
}
