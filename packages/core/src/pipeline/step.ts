/**
 * Steps: typed async functions with validated parameters. Calling a step inside a pipeline's
 * builder does not run it: it adds the step to the DAG and returns handles to its outputs, which
 * other steps take as inputs. The handles carry the output types, so a wrong wiring is a type error.
 */
import type { z } from "zod";
import type { RunStack } from "../stack.ts";
import { ValidationError, ZenError } from "../errors.ts";
import type { Materializer } from "./materializers.ts";
import { currentBuilder } from "./builder-context.ts";

const OUTPUT_BRAND = "@zen/StepOutput";
const STEP_BRAND = "@zen/Step";
declare const OUTPUT_TYPE: unique symbol;

/** A handle to one output of a step in a pipeline being built; `T` is the value the step returns there. */
export interface StepOutput<T> {
  readonly $$type: typeof OUTPUT_BRAND;
  /** The producing step's name in the pipeline. */
  readonly step: string;
  readonly output: string;
  /** Phantom member: carries `T` for type checking only. */
  readonly [OUTPUT_TYPE]?: T;
}

export function isStepOutput(value: unknown): value is StepOutput<unknown> {
  return typeof value === "object" && value !== null && (value as StepOutput<unknown>).$$type === OUTPUT_BRAND;
}

export function createStepOutput<T>(step: string, output: string): StepOutput<T> {
  return Object.freeze({ $$type: OUTPUT_BRAND, step, output }) as StepOutput<T>;
}

/** What a step's `run` receives besides its inputs and parameters. */
export interface StepContext {
  /**
   * The stack the run uses: `ctx.stack.artifactStore`, and each optional component typed by its
   * base class or `undefined` (`ctx.stack.alerter?.post(…)`, `ctx.stack.experimentTracker`, …).
   */
  stack: RunStack;
  pipelineName: string;
  runName: string;
  runId: string;
  /** The step's name in the pipeline. */
  stepName: string;
  /** Aborted when the run is cancelled; long steps should stop early. */
  signal: AbortSignal;
}

/** What a step's `onSuccess` hook receives: the step's context once its outputs are recorded. */
export interface StepSuccessContext extends StepContext {
  status: "completed";
  durationMs: number;
}

/** What a step's `onFailure` hook receives: the step's context and the error the step failed with. */
export interface StepFailureContext extends StepContext {
  status: "failed";
  durationMs: number;
  error: Error;
}

/**
 * Called after the step's outcome is recorded (not for a step taken from the cache), in the process
 * that ran the step. A hook that throws is reported as a warning (`hook-failed`) and changes nothing.
 */
export interface StepHooks {
  onSuccess?: (ctx: StepSuccessContext) => unknown;
  onFailure?: (ctx: StepFailureContext) => unknown;
}

type AnySchema = z.ZodType<unknown, unknown>;
/** The parameters `run` receives (schema output, defaults applied). */
export type ParametersOf<S> = S extends AnySchema ? z.output<S> : Record<string, never>;
/** The parameters a caller gives (schema input). */
export type ParametersInput<S> = S extends AnySchema ? z.input<S> : Record<string, never>;

/** Inputs are wired by passing a step output of the whole input type, or an object/array of outputs per member. */
export type WiredInputs<I> = StepOutput<I> | (I extends object ? { [K in keyof I]: StepOutput<I[K]> } : never);

/** No inputs when the run function takes none (inferred `unknown`) or declares `void`/`undefined`. */
type HasNoInputs<I> = unknown extends I ? true : [I] extends [void | undefined] ? true : false;

type OptionalIfEmpty<P> = {} extends P ? [params?: P] : [params: P];

export interface StepCallOptions {
  /** The step's name in this pipeline, when the same step is used more than once (default: `name_2`, …). */
  name?: string;
  /** Run only after these steps' outputs exist, without consuming them. */
  after?: StepOutput<unknown>[];
  enableCache?: boolean;
}

export type StepCallArgs<I, S> =
  HasNoInputs<I> extends true
    ? [...OptionalIfEmpty<ParametersInput<S>>, options?: StepCallOptions]
    : [inputs: WiredInputs<I>, ...OptionalIfEmpty<ParametersInput<S>>, options?: StepCallOptions];

/** With `outputs: ["a", "b"]` a step has one artifact per named member of its result; otherwise one, `output`. */
export type StepCallResult<O, K extends string> = [K] extends [never] ? StepOutput<O> : { [P in K]: StepOutput<P extends keyof O ? O[P] : never> };

export interface StepSpec<I, O, S, K extends string> extends StepHooks {
  /** Letters, digits, `_`, `-`, `.`; unique within a pipeline unless renamed per call. */
  name: string;
  /** A zod schema for the step's parameters (validated when the pipeline is built). */
  parameters?: S;
  /** Store these members of the result as separate artifacts (each its own handle). */
  outputs?: readonly K[];
  /** Default true; `false` always runs the step. */
  enableCache?: boolean;
  /** Materializers per output name (or one for all outputs), ahead of the registry. */
  materializers?: Materializer<any> | Partial<Record<string, Materializer<any>>>;
  /**
   * A fingerprint of what the step reads from outside its inputs (a file, a table): the step is
   * re-run when it changes. E.g. the sha256 of the dataset file the step loads.
   */
  cacheKey?: (params: ParametersOf<S>) => string | Promise<string>;
  run: (inputs: I, params: ParametersOf<S>, ctx: StepContext) => Promise<O> | O;
}

declare const STEP_TYPES: unique symbol;

/** A step definition without its call signature (what post-execution lookups accept). */
export interface StepInfo<I = any, O = any, S = any, K extends string = any> {
  readonly $$type: typeof STEP_BRAND;
  readonly stepName: string;
  readonly spec: StepSpec<I, O, S, K>;
  /** Phantom member: carries the step's types for type checking only. */
  readonly [STEP_TYPES]?: { inputs: I; output: O; parameters: S; outputs: K };
}

/** A defined step: call it inside a pipeline builder to add it to the DAG. */
export interface Step<I = any, O = any, S = any, K extends string = any> extends StepInfo<I, O, S, K> {
  (...args: StepCallArgs<I, S>): StepCallResult<O, K>;
}

/** The value a step returns. */
export type StepResultOf<T> = T extends StepInfo<any, infer O, any, any> ? O : never;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function step<I = unknown, O = void, S extends AnySchema | undefined = undefined, const K extends string = never>(
  spec: StepSpec<I, O, S, K> & { outputs?: readonly (K & keyof O)[] },
): Step<I, O, S, K> {
  if (!NAME.test(spec.name ?? "")) {
    throw new ValidationError(`Invalid step name '${String(spec.name)}'.`, {
      hint: "Use letters, digits, '_', '-' and '.', starting with a letter, digit or '_'.",
    });
  }
  if (typeof spec.run !== "function") {
    throw new ValidationError(`Step '${spec.name}' has no run function.`, { hint: "Pass `run: async (inputs, params, ctx) => …`." });
  }
  const call = (...args: unknown[]) => {
    const builder = currentBuilder();
    if (!builder) {
      throw new ZenError(`Step '${spec.name}' was called outside a pipeline.`, {
        code: "ZEN_STEP_OUTSIDE_PIPELINE",
        hint: "Call steps inside a pipeline builder: pipeline('name', (params) => { const x = myStep(); … }).",
      });
    }
    return builder.addStep(definition as Step, args);
  };
  const definition = Object.assign(call, {
    $$type: STEP_BRAND,
    stepName: spec.name,
    spec,
  }) as unknown as Step<I, O, S, K>;
  return definition;
}

export function isStep(value: unknown): value is Step {
  return typeof value === "function" && (value as Step).$$type === STEP_BRAND;
}
