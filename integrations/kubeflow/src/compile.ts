/**
 * Compiles a pipeline's DAG to a Kubeflow Pipelines v2 `PipelineSpec` (the IR, schemaVersion 2.1.0):
 * one container component and executor per step, each running the step entrypoint
 * (`zen step run`) in the step image; dependencies from the data edges and `after`; pipeline
 * parameters and the zen run id as pipeline inputs; KFP's caching off (zen caches steps itself).
 * Pod settings go to the container (resources, env) and to the Kubernetes platform section.
 */
import { ValidationError } from "@zen/core/flavor";
import type { PodSettings } from "./config.ts";
import { kfpName, taskNames } from "./kfp-names.ts";
import { kubernetesExecutorConfig, mergePodSettings, containerResources } from "./pod-settings.ts";
import { assertValidPipelineSpec } from "./spec-checks.ts";

export const SCHEMA_VERSION = "2.1.0";
export const SDK_VERSION = "zen-kubeflow-0.1.0";
/** The pipeline input carrying zen's run id to every step. */
export const RUN_ID_INPUT = "zen_run_id";
/** KFP's placeholder for the run (job) name, resolved by the backend and by `kfp.local`. */
export const JOB_NAME_PLACEHOLDER = "{{$.pipeline_job_name}}";
/** KFP's placeholder for the run's (job's) unique id: a scheduled pipeline's trigger is a zen run of that id. */
export const JOB_ID_PLACEHOLDER = "{{$.pipeline_job_uuid}}";

export interface CompileOptions {
  /** The step image (`registry/repo@sha256:…`). */
  image: string;
  /** The image's step entrypoint; default `["zen", "step", "run"]`. */
  command?: readonly string[];
  /** The pipeline file inside the image, as `zen step run --pipeline` takes it. */
  pipelineFile: string;
  /** The stack the steps use, as `zen step run --stack` takes it. */
  stackName?: string;
  /** The run's pipeline parameters (become pipeline inputs with these values as defaults). */
  parameters?: Readonly<Record<string, unknown>>;
  /** Pod settings for every step, then per step name. */
  podSettings?: PodSettings;
  stepPodSettings?: Readonly<Record<string, PodSettings>>;
  description?: string;
  /**
   * The spec of a schedule (a KFP recurring run): each trigger runs as a zen run of its own, whose id
   * is KFP's run id, created from the schedule's zen run (the `zen_run_id` input) by its first step.
   */
  schedule?: boolean;
}

export type JsonObject = Record<string, unknown>;

/** The DAG to compile: a `PipelinePlan` (`pipeline.build()`) or the steps an orchestrator receives. */
export interface CompilableDag {
  pipelineName: string;
  /** In a topological order. */
  steps: readonly { name: string; upstream: readonly string[] }[];
}

export interface CompiledPipeline {
  /** The `PipelineSpec` as JSON (the first YAML document of a KFP package). */
  pipelineSpec: JsonObject;
  /** The `PlatformSpec` (second YAML document), present when a step has Kubernetes pod settings. */
  platformSpec?: JsonObject;
}

export const DEFAULT_STEP_COMMAND = ["zen", "step", "run"] as const;

function parameterType(value: unknown): string {
  if (typeof value === "string") return "STRING";
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "number") return Number.isInteger(value) ? "NUMBER_INTEGER" : "NUMBER_DOUBLE";
  if (Array.isArray(value)) return "LIST";
  return "STRUCT";
}

function rootInputs(pipeline: string, parameters: Readonly<Record<string, unknown>>): JsonObject {
  const inputs: JsonObject = { [RUN_ID_INPUT]: { defaultValue: "", isOptional: true, parameterType: "STRING" } };
  for (const [key, value] of Object.entries(parameters)) {
    if (key === RUN_ID_INPUT) {
      throw new ValidationError(`Pipeline '${pipeline}' has a parameter named '${RUN_ID_INPUT}', which the kubeflow orchestrator uses itself.`, {
        hint: "Rename that parameter.",
      });
    }
    if (value === undefined || value === null) continue;
    inputs[key] = { defaultValue: value, isOptional: true, parameterType: parameterType(value) };
  }
  return inputs;
}

export function compilePipeline(plan: CompilableDag, options: CompileOptions): CompiledPipeline {
  const pipelineName = kfpName(plan.pipelineName);
  const tasks = taskNames(
    plan.pipelineName,
    plan.steps.map((s) => s.name),
  );
  const command = [...(options.command ?? DEFAULT_STEP_COMMAND)];
  const components: JsonObject = {};
  const executors: JsonObject = {};
  const dagTasks: JsonObject = {};
  const platformExecutors: JsonObject = {};
  for (const step of plan.steps) {
    const task = tasks.get(step.name)!;
    const component = `comp-${task}`;
    const executor = `exec-${task}`;
    components[component] = {
      executorLabel: executor,
      inputDefinitions: { parameters: { [RUN_ID_INPUT]: { parameterType: "STRING" } } },
    };
    const runIdInput = `{{$.inputs.parameters['${RUN_ID_INPUT}']}}`;
    const runArgs = options.schedule ? ["--run-id", JOB_ID_PLACEHOLDER, "--schedule-run", runIdInput] : ["--run-id", runIdInput];
    const args = ["--pipeline", options.pipelineFile, "--step", step.name, ...runArgs, "--kfp-job", JOB_NAME_PLACEHOLDER];
    if (options.stackName !== undefined) args.push("--stack", options.stackName);
    const pod = mergePodSettings(options.podSettings, options.stepPodSettings?.[step.name]);
    const container: JsonObject = { args, command, image: options.image };
    const env = Object.entries(pod?.env ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    if (env.length > 0) container.env = env.map(([name, value]) => ({ name, value }));
    const resources = containerResources(pod);
    if (resources) container.resources = resources;
    executors[executor] = { container };
    const platform = kubernetesExecutorConfig(pod);
    if (platform) platformExecutors[executor] = platform;
    const dagTask: JsonObject = {
      cachingOptions: {},
      componentRef: { name: component },
      inputs: { parameters: { [RUN_ID_INPUT]: { componentInputParameter: RUN_ID_INPUT } } },
      taskInfo: { name: task },
    };
    const upstream = step.upstream.map((up) => tasks.get(up)!).sort();
    if (upstream.length > 0) dagTask.dependentTasks = upstream;
    dagTasks[task] = dagTask;
  }
  const pipelineSpec: JsonObject = {
    components,
    deploymentSpec: { executors },
    pipelineInfo: { name: pipelineName, ...(options.description ? { description: options.description } : {}) },
    root: { dag: { tasks: dagTasks }, inputDefinitions: { parameters: rootInputs(plan.pipelineName, options.parameters ?? {}) } },
    schemaVersion: SCHEMA_VERSION,
    sdkVersion: SDK_VERSION,
  };
  assertValidPipelineSpec(pipelineSpec);
  const compiled: CompiledPipeline = { pipelineSpec };
  if (Object.keys(platformExecutors).length > 0) {
    compiled.platformSpec = { platforms: { kubernetes: { deploymentSpec: { executors: platformExecutors } } } };
  }
  return compiled;
}

/** The KFP package file: the spec, then the platform spec, as YAML documents written as JSON (YAML 1.2 reads JSON). */
export function pipelinePackageText(compiled: CompiledPipeline): string {
  const docs = [compiled.pipelineSpec, ...(compiled.platformSpec ? [compiled.platformSpec] : [])];
  const name = String((compiled.pipelineSpec.pipelineInfo as JsonObject).name);
  return `# PIPELINE DEFINITION\n# Name: ${name}\n${docs.map((d) => JSON.stringify(d, null, 2)).join("\n---\n")}\n`;
}

export { kfpName };
