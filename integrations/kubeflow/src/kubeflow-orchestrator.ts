/**
 * The `kubeflow` orchestrator: compiles the run's DAG to a KFP v2 pipeline spec whose steps run the
 * step entrypoint in the step image, submits it to the KFP API and, when synchronous, follows the
 * run; the steps' outcomes are read from the metadata store the pods write to (`run.poll()`).
 */
import { BaseOrchestrator, ZenError, type OrchestratorRun } from "@zen/core";
import { compilePipeline, pipelinePackageText, RUN_ID_INPUT, type CompiledPipeline } from "./compile.ts";
import { DEFAULT_TIMEOUT_SECONDS, type KubeflowOrchestratorConfig } from "./config.ts";
import { KfpClient } from "./kfp-client.ts";
import { kfpName } from "./kfp-names.ts";
import { followRun, submitPipeline } from "./submit.ts";

/** Runtime configuration key naming the pipeline file as the step image holds it. */
export const PIPELINE_FILE_KEY = "pipeline_file";

export class KubeflowOrchestrator extends BaseOrchestrator<KubeflowOrchestratorConfig> {
  /** How often a synchronous run's state is read. */
  pollIntervalMs = 2000;

  /** The spec a run of these steps compiles to, with the given image. */
  compile(run: Pick<OrchestratorRun, "deployment" | "steps">, image: string): CompiledPipeline {
    const file = run.deployment.runtimeConfiguration[PIPELINE_FILE_KEY];
    if (typeof file !== "string" || file === "") {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' needs the pipeline's file to run its steps in the image.`, {
        hint: `Pass it as the runtime option ${PIPELINE_FILE_KEY} (its path inside the project, e.g. src/pipeline.ts).`,
      });
    }
    return compilePipeline(
      { pipelineName: run.deployment.pipelineName, steps: run.steps },
      {
        image,
        pipelineFile: file,
        stackName: run.deployment.stackName,
        podSettings: this.config.pod_settings,
        stepPodSettings: this.config.step_pod_settings,
      },
    );
  }

  client(): KfpClient {
    if (this.config.username !== undefined) {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' has a username/password login, which this version cannot use yet.`, {
        hint: "Use a bearer token instead: token={{<secret>.token}} (e.g. a Kubernetes service account token).",
      });
    }
    return new KfpClient(this.config.kubeflow_hostname, { token: this.config.token, namespace: this.config.namespace });
  }

  async runPipeline(run: OrchestratorRun): Promise<void> {
    if (this.config.synchronous === false) {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' cannot leave a run unfollowed yet (synchronous=false).`, {
        hint: `Remove the setting: \`zen orchestrator remove-attribute ${this.name} synchronous\`.`,
      });
    }
    const image = this.config.image;
    if (image === undefined) {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' has no step image.`, {
        hint: `Build and push one with buildStepImage() from @zen/integration-kubeflow, then \`zen orchestrator update ${this.name} --image <reference>\`.`,
      });
    }
    const compiled = this.compile(run, image);
    const client = this.client();
    const submitted = await submitPipeline(client, {
      pipelineName: kfpName(run.deployment.pipelineName),
      packageText: pipelinePackageText(compiled),
      experiment: this.config.experiment ?? run.deployment.pipelineName,
      runName: run.deployment.runName,
      parameters: { [RUN_ID_INPUT]: run.runId },
    });
    process.stderr.write(`Kubeflow run: ${client.runUrl(submitted.runId!)}\n`);
    const state = await followRun(client, submitted.runId!, {
      timeoutMs: (this.config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      signal: run.signal,
      intervalMs: this.pollIntervalMs,
      onPoll: async () => void (await run.poll()),
    });
    if (state === "FAILED" || state === "CANCELED") {
      const statuses = await run.poll();
      // Steps that failed report their own errors; a run that failed around them is reported here.
      if (!Object.values(statuses).includes("failed")) {
        throw new ZenError(`Kubeflow run ${submitted.runId} ended ${state} before its steps did.`, { code: "ZEN_KFP_RUN_FAILED", hint: `See ${client.runUrl(submitted.runId!)}.` });
      }
    }
  }
}
