/**
 * Pipelines: a name and a builder function that wires steps into a DAG by passing step outputs to
 * step inputs. The builder runs at every `run()` with the run's (validated) parameters.
 */
import type { z } from "zod";
import { ValidationError } from "../errors.ts";
import type { PipelineHooks } from "./pipeline-hooks.ts";
import { buildPlan, type PipelinePlan } from "./plan.ts";
import type { PipelineRunView } from "./repository.ts";
import { runPipeline, type RunOptions } from "./run-pipeline.ts";
import type { ParametersInput, ParametersOf } from "./step.ts";

const PIPELINE_BRAND = "@zen/Pipeline";
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

type AnySchema = z.ZodType<unknown, unknown>;

export interface PipelineOptions<S> extends PipelineHooks {
  /** A zod schema for the pipeline's parameters (`run({ parameters })`, `--config run.yaml`). */
  parameters?: S;
  /** Default for runs that do not say; default true. */
  enableCache?: boolean;
}

export interface Pipeline<S = undefined, R = unknown> extends PipelineHooks {
  readonly $$type: typeof PIPELINE_BRAND;
  readonly name: string;
  readonly parametersSchema: S | undefined;
  readonly enableCache: boolean;
  readonly builder: (params: ParametersOf<S>) => R;
  /** Builds the DAG without running it (e.g. to show or check it). */
  build(parameters?: ParametersInput<S>): PipelinePlan;
  /**
   * Runs the pipeline on a stack (default: the active one). Keys other than the control options
   * are the runtime configuration handed to every component's `preparePipelineDeployment`.
   * Resolves with the recorded run; rejects with a `PipelineRunError` if a step failed.
   */
  run(options?: RunOptions<ParametersInput<S>>): Promise<PipelineRunView>;
}

export function pipeline<R>(name: string, builder: (params: Record<string, never>) => R): Pipeline<undefined, R>;
export function pipeline<S extends AnySchema | undefined = undefined, R = unknown>(
  name: string,
  options: PipelineOptions<S>,
  builder: (params: ParametersOf<S>) => R,
): Pipeline<S, R>;
export function pipeline(
  name: string,
  optionsOrBuilder: PipelineOptions<unknown> | ((params: any) => unknown),
  maybeBuilder?: (params: any) => unknown,
): Pipeline<unknown, unknown> {
  const options = typeof optionsOrBuilder === "function" ? {} : optionsOrBuilder;
  const builder = typeof optionsOrBuilder === "function" ? optionsOrBuilder : maybeBuilder;
  if (!NAME.test(name ?? "")) {
    throw new ValidationError(`Invalid pipeline name '${String(name)}'.`, {
      hint: "Use letters, digits, '_', '-' and '.', starting with a letter, digit or '_'.",
    });
  }
  if (typeof builder !== "function") {
    throw new ValidationError(`Pipeline '${name}' has no builder function.`, {
      hint: "pipeline('name', (params) => { const data = load(); train(data); })",
    });
  }
  const definition: Pipeline<unknown, unknown> = {
    $$type: PIPELINE_BRAND,
    name,
    parametersSchema: options.parameters,
    enableCache: options.enableCache ?? true,
    builder,
    ...(options.onSuccess ? { onSuccess: options.onSuccess } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    build(parameters) {
      const schema = options.parameters as AnySchema | undefined;
      const params = schema ? schema.parse(parameters ?? {}) : (parameters ?? {});
      return buildPlan(name, builder, params);
    },
    run: (runOptions) => runPipeline(definition, runOptions),
  };
  return Object.freeze(definition);
}

export function isPipeline(value: unknown): value is Pipeline<unknown, unknown> {
  return typeof value === "object" && value !== null && (value as Pipeline).$$type === PIPELINE_BRAND;
}
