/**
 * The `kubeflow` orchestrator: compiles the run's DAG to a KFP v2 pipeline spec whose steps run the
 * step entrypoint in the step image, submits it to the KFP API and, when synchronous, follows the
 * run; the steps' outcomes are read from the metadata store the pods write to (`run.poll()`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  BaseOrchestrator,
  ZenError,
  type BaseMetadataStore,
  type DetachedRun,
  type OrchestratorDryRun,
  type OrchestratorDryRunReport,
  type OrchestratorRun,
  type RemoteRunState,
} from "@zen/core/flavor";
import type { ImagePlan } from "@zen/core/image";
import { compilePipeline, pipelinePackageText, RUN_ID_INPUT, type CompiledPipeline } from "./compile.ts";
import { DEFAULT_TIMEOUT_SECONDS, type KubeflowOrchestratorConfig } from "./config.ts";
import { KfpClient } from "./kfp-client.ts";
import { kfpName } from "./kfp-names.ts";
import { describeImagePlan, planRunImage, pushRunImage, type RunImageInput } from "./run-image.ts";
import { followRun, kfpCron, submitPipeline } from "./submit.ts";

/** Runtime configuration key naming the pipeline file as the step image holds it. */
export const PIPELINE_FILE_KEY = "pipeline_file";

const SYSTEM = "Kubeflow Pipelines";

export class KubeflowOrchestrator extends BaseOrchestrator<KubeflowOrchestratorConfig> {
  /** A schedule becomes a KFP recurring run. */
  override readonly supportsSchedules = true;
  /** How often a synchronous run's state is read. */
  pollIntervalMs = 2000;

  /** The pipeline file the steps run from, relative to the project root (the image's working directory). */
  pipelineFile(run: Pick<OrchestratorRun, "deployment">): string {
    const file = run.deployment.runtimeConfiguration[PIPELINE_FILE_KEY];
    if (typeof file !== "string" || file === "") {
      throw new ZenError(`The kubeflow orchestrator '${this.name}' needs the pipeline's file to run its steps in the image.`, {
        hint: `Pass it as the runtime option ${PIPELINE_FILE_KEY} (its path inside the project, e.g. src/pipeline.ts); \`zen pipeline run FILE\` does.`,
      });
    }
    return file;
  }

  /** The spec a run of these steps compiles to, with the given image. */
  compile(run: Pick<OrchestratorRun, "deployment" | "steps" | "schedule">, image: string): CompiledPipeline {
    return compilePipeline(
      { pipelineName: run.deployment.pipelineName, steps: run.steps },
      {
        image,
        pipelineFile: this.pipelineFile(run),
        stackName: run.deployment.stackName,
        podSettings: this.config.pod_settings,
        stepPodSettings: this.config.step_pod_settings,
        ...(run.schedule !== undefined ? { schedule: true } : {}),
      },
    );
  }

  client(): KfpClient {
    const { username, password } = this.config;
    return new KfpClient(this.config.kubeflow_hostname, {
      token: this.config.token,
      namespace: this.config.namespace,
      ...(username !== undefined && password !== undefined ? { login: { username, password } } : {}),
    });
  }

  /** What building the run's step image involves (no prebuilt `image`), for the stack's container registry. */
  imageInput(run: Pick<OrchestratorRun, "deployment" | "components">): RunImageInput {
    return {
      orchestrator: this.name,
      pipelineName: run.deployment.pipelineName,
      pipelineFile: this.pipelineFile(run),
      components: run.components,
      baseImage: this.config.base_image,
    };
  }

  /** Builds and pushes the step image (nothing when it is up to date); resolves with what the pods pull. */
  async pushImage(run: Pick<OrchestratorRun, "deployment" | "components">): Promise<string> {
    const pushed = await pushRunImage(this.imageInput(run));
    process.stderr.write(describeImagePlan(pushed, "pushed"));
    return pushed.reference;
  }

  /** Writes the pipeline package (with the image the run would use) and the image plan; pushes and submits nothing. */
  override async dryRun(run: OrchestratorDryRun): Promise<OrchestratorDryRunReport> {
    const summary: string[] = [];
    let image = this.config.image;
    let plan: ImagePlan | undefined;
    if (image === undefined) {
      plan = await planRunImage(this.imageInput(run));
      image = plan.reference;
      summary.push(...describeImagePlan(plan).trimEnd().split("\n"));
    } else {
      summary.push(`Step image ${image} (prebuilt: nothing to build)`);
    }
    const name = kfpName(run.deployment.pipelineName);
    const specFile = path.join(run.outDir, `${name}.kfp.yaml`);
    const planFile = path.join(run.outDir, `${name}.image-plan.json`);
    mkdirSync(run.outDir, { recursive: true });
    writeFileSync(specFile, pipelinePackageText(this.compile(run, image)));
    const planJson = plan
      ? { reference: plan.reference, upToDate: plan.upToDate, baseLayers: plan.baseLayers, layers: plan.layers }
      : { reference: image, prebuilt: true };
    writeFileSync(planFile, `${JSON.stringify(planJson, null, 2)}\n`);
    const what = run.schedule !== undefined ? `a recurring run (${kfpCron(run.schedule)})` : "a run";
    summary.push(
      `Would upload pipeline '${name}' to ${this.config.kubeflow_hostname} and create ${what} ` +
        `in experiment '${this.config.experiment ?? run.deployment.pipelineName}'.`,
    );
    return { files: [specFile, planFile], summary };
  }

  async runPipeline(run: OrchestratorRun): Promise<void | DetachedRun> {
    const client = this.client();
    const image = this.config.image ?? (await this.pushImage(run));
    const compiled = this.compile(run, image);
    const submitted = await submitPipeline(client, {
      pipelineName: kfpName(run.deployment.pipelineName),
      packageText: pipelinePackageText(compiled),
      experiment: this.config.experiment ?? run.deployment.pipelineName,
      runName: run.deployment.runName,
      parameters: { [RUN_ID_INPUT]: run.runId },
      ...(run.schedule !== undefined ? { schedule: run.schedule } : {}),
    });
    // The KFP page is kept with the run (`links.orchestrator`): `runs describe` and the dashboard show it.
    const store = run.components.metadata_store as BaseMetadataStore | undefined;
    if (submitted.recurringRunId !== undefined) {
      const url = client.recurringRunUrl(submitted.recurringRunId);
      await store?.addRunLinks(run.runId, { orchestrator: url });
      process.stderr.write(`Kubeflow recurring run (${run.schedule}): ${url}\n`);
      return { detached: true };
    }
    const runId = submitted.runId!;
    await store?.addRunLinks(run.runId, { orchestrator: client.runUrl(runId) });
    process.stderr.write(`Kubeflow run: ${client.runUrl(runId)}\n`);
    if (this.config.synchronous === false) return { detached: true };
    const state = await followRun(client, runId, {
      timeoutMs: (this.config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      signal: run.signal,
      intervalMs: this.pollIntervalMs,
      onPoll: async () => void (await run.poll()),
    });
    if (state === "FAILED" || state === "CANCELED") {
      const statuses = await run.poll();
      // Steps that failed report their own errors; a run that failed around them is reported here.
      if (!Object.values(statuses).includes("failed")) {
        throw new ZenError(`Kubeflow run ${runId} ended ${state} before its steps did.`, {
          code: "ZEN_KFP_RUN_FAILED",
          hint: `See ${client.runUrl(runId)}.`,
        });
      }
    }
  }

  /**
   * The KFP run (or recurring run) of a zen run, with its current state: the one its recorded link
   * names, else found by its display name (the zen run's name) and its `zen_run_id` parameter; a
   * problem when KFP cannot be asked.
   */
  override async remoteRunState(run: { id: string; name: string; links?: Readonly<Record<string, string>> }): Promise<RemoteRunState | undefined> {
    const client = this.client();
    const ours = (parameters: Record<string, unknown> | undefined) => parameters?.[RUN_ID_INPUT] === run.id;
    const link = run.links?.orchestrator;
    const linked = link?.startsWith(`${client.runUrl("")}`) ? link.slice(client.runUrl("").length) : undefined;
    const linkedRecurring = link?.startsWith(`${client.recurringRunUrl("")}`) ? link.slice(client.recurringRunUrl("").length) : undefined;
    try {
      if (linked) {
        const found = await client.getRun(linked);
        return { system: SYSTEM, id: linked, url: link, state: found.state ?? "RUNTIME_STATE_UNSPECIFIED" };
      }
      if (linkedRecurring) {
        const found = await client.getRecurringRun(linkedRecurring);
        return { system: SYSTEM, id: linkedRecurring, url: link, state: `recurring run ${found.status ?? "STATUS_UNSPECIFIED"}` };
      }
      const found = (await client.findRuns(run.name)).find((r) => ours(r.runtime_config?.parameters));
      if (found) return { system: SYSTEM, id: found.run_id, url: client.runUrl(found.run_id), state: found.state ?? "RUNTIME_STATE_UNSPECIFIED" };
      const recurring = (await client.findRecurringRuns(run.name)).find((r) => ours(r.runtime_config?.parameters));
      if (recurring) {
        const url = client.recurringRunUrl(recurring.recurring_run_id);
        return { system: SYSTEM, id: recurring.recurring_run_id, url, state: `recurring run ${recurring.status ?? "STATUS_UNSPECIFIED"}` };
      }
      return { system: SYSTEM, problem: `no run of this zen run at ${this.config.kubeflow_hostname} (deleted, or submitted elsewhere)` };
    } catch (error) {
      const id = linked ?? linkedRecurring;
      return { system: SYSTEM, ...(id ? { id, url: link } : {}), problem: error instanceof Error ? error.message : String(error) };
    }
  }
}
