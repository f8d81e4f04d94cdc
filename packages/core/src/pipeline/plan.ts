/** Builds a pipeline's DAG by running its builder function with the run's parameters. */
import { ValidationError, ZenError } from "../errors.ts";
import { withBuilder } from "./builder-context.ts";
import { isJsonValue } from "./materializers.ts";
import { createStepOutput, isStepOutput, type Step, type StepCallOptions, type StepOutput } from "./step.ts";

/** Where an input comes from: an output of an earlier step. */
export interface InputBinding {
  /** `input` for a single wired output, else the member name (object key or array index). */
  key: string;
  step: string;
  output: string;
}

export interface PlannedStep {
  /** The step's name in this pipeline. */
  name: string;
  step: Step;
  inputShape: "none" | "single" | "object" | "array";
  inputs: InputBinding[];
  /** Validated parameters (schema output, defaults applied). */
  parameters: Record<string, unknown>;
  /** Steps whose outputs this step waits for (inputs and `after`), without duplicates. */
  upstream: string[];
  enableCache: boolean;
  outputNames: readonly string[];
}

export interface PipelinePlan {
  pipelineName: string;
  /** In the order the builder added them, which is a topological order. */
  steps: PlannedStep[];
  /** What the builder returned (handles), for typed access to a run's results. */
  returned: unknown;
}

export const SINGLE_OUTPUT = "output";
export const SINGLE_INPUT = "input";

export function buildPlan(pipelineName: string, builder: (params: any) => unknown, parameters: unknown): PipelinePlan {
  const steps: PlannedStep[] = [];
  const byName = new Map<string, PlannedStep>();
  const uses = new Map<string, number>();

  const addStep = (step: Step, args: unknown[]): unknown => {
    const spec = step.spec;
    // (inputs, params?, options?) for steps with inputs; (params?, options?) for steps without;
    // (undefined, params, options) is accepted too.
    const [inputsArg, paramsArg, optionsArg] =
      looksLikeInputs(args[0]) || (args[0] === undefined && args.length >= 2 && !isCallOptions(args[1])) ? args : [undefined, args[0], args[1]];
    const options = (optionsArg ?? {}) as StepCallOptions;

    const count = (uses.get(spec.name) ?? 0) + 1;
    uses.set(spec.name, count);
    const name = options.name ?? (count === 1 ? spec.name : `${spec.name}_${count}`);
    if (byName.has(name)) {
      throw new ValidationError(`Pipeline '${pipelineName}' has two steps named '${name}'.`, {
        hint: `Give one of them another name: ${spec.name}(inputs, params, { name: "${spec.name}_other" }).`,
      });
    }

    const { shape, bindings } = bindInputs(pipelineName, name, inputsArg, byName);
    const upstream = [...new Set([...bindings.map((b) => b.step), ...(options.after ?? []).map((o) => checkHandle(pipelineName, name, o, byName).step)])];
    const outputNames = spec.outputs && spec.outputs.length > 0 ? [...spec.outputs] : [SINGLE_OUTPUT];
    if (new Set(outputNames).size !== outputNames.length) {
      throw new ValidationError(`Step '${spec.name}' declares an output twice.`, { hint: "Give each output a distinct name." });
    }

    const planned: PlannedStep = {
      name,
      step,
      inputShape: shape,
      inputs: bindings,
      parameters: validateParameters(spec.name, name, spec.parameters, paramsArg),
      upstream,
      enableCache: options.enableCache ?? spec.enableCache ?? true,
      outputNames,
    };
    steps.push(planned);
    byName.set(name, planned);

    if (!spec.outputs || spec.outputs.length === 0) return createStepOutput(name, SINGLE_OUTPUT);
    return Object.freeze(Object.fromEntries(outputNames.map((o) => [o, createStepOutput(name, o)])));
  };

  const returned = withBuilder({ addStep }, () => builder(parameters));
  if (returned instanceof Promise) {
    throw new ValidationError(`The builder of pipeline '${pipelineName}' is async.`, {
      hint: "A pipeline builder only wires steps and must be synchronous; do the async work inside steps.",
    });
  }
  if (steps.length === 0) {
    throw new ValidationError(`Pipeline '${pipelineName}' has no steps.`, {
      hint: "Call at least one step inside the builder: pipeline('name', () => { myStep(); }).",
    });
  }
  return { pipelineName, steps, returned };
}

const CALL_OPTION_KEYS = new Set(["name", "after", "enableCache"]);

function isCallOptions(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).every((k) => CALL_OPTION_KEYS.has(k));
}

function looksLikeInputs(value: unknown): boolean {
  if (isStepOutput(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(isStepOutput);
}

function checkHandle(pipelineName: string, stepName: string, handle: unknown, known: Map<string, PlannedStep>): StepOutput<unknown> {
  if (!isStepOutput(handle)) {
    throw new ValidationError(`An input of step '${stepName}' is not the output of a step.`, {
      hint: "Pass outputs of earlier steps as inputs; constant values go into the step's parameters.",
    });
  }
  const producer = known.get(handle.step);
  if (!producer?.outputNames.includes(handle.output)) {
    throw new ValidationError(`Step '${stepName}' takes an output of '${handle.step}' that is not part of pipeline '${pipelineName}'.`, {
      hint: "Wire only outputs of steps called in the same pipeline builder.",
    });
  }
  return handle;
}

function bindInputs(
  pipelineName: string,
  stepName: string,
  inputs: unknown,
  known: Map<string, PlannedStep>,
): { shape: PlannedStep["inputShape"]; bindings: InputBinding[] } {
  if (inputs === undefined || inputs === null) return { shape: "none", bindings: [] };
  if (isStepOutput(inputs)) {
    const h = checkHandle(pipelineName, stepName, inputs, known);
    return { shape: "single", bindings: [{ key: SINGLE_INPUT, step: h.step, output: h.output }] };
  }
  const entries = Object.entries(inputs as Record<string, unknown>);
  return {
    shape: Array.isArray(inputs) ? "array" : "object",
    bindings: entries.map(([key, handle]) => {
      const h = checkHandle(pipelineName, stepName, handle, known);
      return { key, step: h.step, output: h.output };
    }),
  };
}

function validateParameters(stepName: string, name: string, schema: unknown, given: unknown): Record<string, unknown> {
  const label = stepName === name ? `step '${name}'` : `step '${name}' (${stepName})`;
  if (!schema) {
    if (given !== undefined && (typeof given !== "object" || given === null || Object.keys(given).length > 0)) {
      throw new ValidationError(`The ${label} takes no parameters.`, {
        hint: `Declare them with step({ name: "${stepName}", parameters: z.object({ … }), … }).`,
      });
    }
    return {};
  }
  const parsed = (
    schema as { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } } }
  ).safeParse(given ?? {});
  if (!parsed.success) {
    const issues = (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join(".") || "parameters"}: ${i.message}`);
    throw new ValidationError(`Invalid parameters for ${label}: ${issues.join("; ")}.`, {
      hint: "Pass parameters that match the step's schema (in the pipeline builder, or through the run's parameters).",
    });
  }
  const value = parsed.data;
  if (typeof value !== "object" || value === null || Array.isArray(value) || !isJsonValue(value)) {
    throw new ZenError(`The parameters of ${label} are not a plain JSON object.`, {
      code: "ZEN_INVALID",
      hint: "Step parameters are recorded and hashed for caching: use an object schema of JSON values (no Dates, Maps or functions).",
    });
  }
  return value as Record<string, unknown>;
}
