/**
 * Type-level tests of the pipeline API, checked by `tsc` (see pipeline-types.test.ts): types flow
 * from step definitions to their outputs, and a wrong wiring is a compile error.
 */
import { z } from "zod";
import { pipeline, step, type PipelineRunView, type StepOutput } from "../src/index.ts";

interface Dataset {
  rows: number[][];
  labels: string[];
}
interface Model {
  weights: number[];
}

const load = step({ name: "load", run: async (): Promise<Dataset> => ({ rows: [[1]], labels: ["a"] }) });

const split = step({
  name: "split",
  parameters: z.object({ testFraction: z.number().default(0.2) }),
  outputs: ["train", "test"],
  run: async (data: Dataset, { testFraction }) => {
    const n = Math.round(data.rows.length * testFraction);
    return { train: data, test: { rows: data.rows.slice(0, n), labels: data.labels.slice(0, n) } };
  },
});

const train = step({
  name: "train",
  parameters: z.object({ lr: z.number(), epochs: z.number().int().default(10) }),
  run: async (data: Dataset, params) => {
    const lr: number = params.lr;
    const epochs: number = params.epochs;
    return { weights: [lr * epochs, data.rows.length] } satisfies Model;
  },
});

const evaluate = step({
  name: "evaluate",
  run: async ({ model, data }: { model: Model; data: Dataset }, _params, ctx) => {
    const stackName: string = ctx.stack.name;
    void stackName;
    return model.weights.length / Math.max(data.rows.length, 1);
  },
});

const report = step({ name: "report", run: async (accuracy: number) => `accuracy ${accuracy}` });
const combine = step({ name: "combine", run: async ([a, b]: [number, string]) => `${a} ${b}` });

const good = pipeline("types", { parameters: z.object({ lr: z.number().default(0.1) }) }, ({ lr }) => {
  const lrNumber: number = lr;
  void lrNumber;
  const data = load();
  const parts = split(data, { testFraction: 0.3 });
  const tr: StepOutput<Dataset> = parts.train;
  const model = train(tr, { lr });
  const accuracy = evaluate({ model, data: parts.test });
  const acc: StepOutput<number> = accuracy;
  const text = report(acc);
  combine([accuracy, text]);
  split(data);

  // ── wrong wirings ─────────────────────────────────────────────────────────
  // @ts-expect-error a Model is not a Dataset
  train(model, { lr });
  // @ts-expect-error inputs swapped: model expects a Model
  evaluate({ model: parts.test, data: parts.train });
  // @ts-expect-error a missing input
  evaluate({ model });
  // @ts-expect-error a string output where a number is expected
  report(text);
  // @ts-expect-error tuple members in the wrong order
  combine([text, accuracy]);
  // @ts-expect-error a plain value is not a step output
  report(0.5);
  // @ts-expect-error split has no output 'validation'
  void parts.validation;
  // @ts-expect-error the required parameter lr is missing
  train(data, {});
  // @ts-expect-error lr must be a number
  train(data, { lr: "fast" });
  // @ts-expect-error load takes no inputs
  load(data);
  // @ts-expect-error the step needs its input
  report();
});

// Runtime options are free-form; the control options are typed.
void good.run({ runName: "r1", enableCache: false, parameters: { lr: 0.5 }, runtime_param_1: 3, another_param: "luna" });
// @ts-expect-error the pipeline parameter lr is a number
void good.run({ parameters: { lr: "high" } });
// @ts-expect-error enableCache is a boolean
void good.run({ enableCache: "no" });

// Post-execution: outputs of a step looked up by its definition are typed.
declare const run: PipelineRunView;
const accuracyValue: Promise<number> = run.getStep(evaluate).output.read();
const trainPart: Promise<Dataset> = run.getStep(split).outputs.train.read();
// @ts-expect-error the output of evaluate is a number, not a string
const wrongRead: Promise<string> = run.getStep(evaluate).output.read();
// @ts-expect-error split has no output 'validation'
void run.getStep(split).outputs.validation;
const untyped: Promise<unknown> = run.getStep("evaluate").output.read();
void [accuracyValue, trainPart, wrongRead, untyped];

// The `outputs` list must name members of the result.
step({
  name: "bad-outputs",
  // @ts-expect-error 'c' is not a member of the result
  outputs: ["a", "c"],
  run: async () => ({ a: 1, b: 2 }),
});
