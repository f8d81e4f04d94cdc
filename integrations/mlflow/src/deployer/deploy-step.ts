/**
 * `deployModel(...)`: a pipeline step that deploys its input on the active stack's model deployer
 * and returns where the model answers, so that the prediction URL is one of the run's outputs.
 */
import { step, ZenError, type Step, type StepContext } from "@zen/core";
import type { MlflowDeployRequest } from "./mlflow-model-deployer.ts";
import type { ModelService } from "@zen/core/flavor";

export interface DeployModelOptions {
  /** The step's name (default `deploy_model`). */
  name?: string;
  /** The registered model in MLflow's registry. */
  modelName: string;
  /** The service's name (default: the model's name); deploying again replaces it. */
  serviceName?: string;
  /**
   * For a TypeScript model: the module exporting `predict(data, input)` and its export (default
   * `predict`); the step's input is the model's data. Without it, the input is a model logged on the
   * MLflow server: its id (`m-<id>`) or `{ modelId }`.
   */
  predictor?: { module: string | URL; export?: string };
  /** The MLflow experiment a TypeScript model is logged under (default `zen-models`). */
  experimentName?: string;
}

/** The step's output. */
export interface DeployedModel {
  service: string;
  model: string;
  version: string;
  runtime: string;
  /** `POST` MLflow's scoring protocol here. */
  predictionUrl: string;
}

interface Deployer {
  name: string;
  deployModel(request: MlflowDeployRequest): Promise<ModelService>;
}

export function deployModel<I = unknown>(options: DeployModelOptions): Step<I, DeployedModel> {
  return step({
    name: options.name ?? "deploy_model",
    // Deploying is a side effect: never taken from the cache.
    enableCache: false,
    run: async (input: I, _params, ctx): Promise<DeployedModel> => {
      const deployer = modelDeployer(ctx);
      const service = await deployer.deployModel({
        modelName: options.modelName,
        serviceName: options.serviceName,
        ...(options.predictor
          ? { typescript: { module: options.predictor.module, export: options.predictor.export, data: input, experimentName: options.experimentName } }
          : { modelId: loggedModelId(input, ctx) }),
      });
      return {
        service: service.name,
        model: service.model,
        version: service.version,
        runtime: service.runtime,
        predictionUrl: service.predictionUrl ?? "",
      };
    },
  });
}

function modelDeployer(ctx: StepContext): Deployer {
  const deployer = ctx.stack.modelDeployer as Partial<Deployer> | undefined;
  if (typeof deployer?.deployModel !== "function") {
    throw new ZenError(`Step '${ctx.stepName}' deploys a model, but the stack has no model deployer.`, {
      code: "ZEN_NO_MODEL_DEPLOYER",
      hint:
        "Register one (zen model-deployer register mlflow_deployer --flavor mlflow --tracking_uri=…) " +
        "and add it to the stack (zen stack update --model-deployer mlflow_deployer).",
    });
  }
  return deployer as Deployer;
}

function loggedModelId(input: unknown, ctx: StepContext): string {
  const id = typeof input === "string" ? input : (input as { modelId?: unknown } | undefined)?.modelId;
  if (typeof id !== "string" || !/^m-[0-9a-f]+$/.test(id)) {
    throw new ZenError(`Step '${ctx.stepName}' needs a logged MLflow model's id (m-<id>) or { modelId } as its input.`, {
      code: "ZEN_MLFLOW_NO_MODEL_ID",
      hint: "Pass the model_id that mlflow.<flavor>.log_model returned, or give deployModel a predictor to deploy a TypeScript model.",
    });
  }
  return id;
}
