/**
 * The conformance suite for experiment trackers, against a recorder: real pipelines run on a local
 * stack that includes the tracker; their steps log parameters and metrics through it; the fixture's
 * recorder reads back what the tracker's backend holds for each pipeline run. It checks that values
 * land under the right pipeline run (one record per run, shared by its steps), that concurrent
 * steps and successive runs are kept apart, that what a failing step logged is kept while the run
 * fails with the step's own error, and that the tracker's lifecycle hooks never break a run.
 *
 *   describeExperimentTrackerConformance("mlflow", async () => ({
 *     tracker,
 *     log: (tracker, values, ctx) => tracker.log(ctx, values),
 *     recorded: ({ pipelineName, runName }) => readBackFromServer(pipelineName, runName),
 *   }));
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { BaseExperimentTracker } from "../components/optional-components.ts";
import type { PipelineRunView } from "../pipeline/repository.ts";
import { pipeline } from "../pipeline/pipeline.ts";
import { step, type StepContext } from "../pipeline/step.ts";
import { conformanceStack, type ConformanceStack } from "./conformance-stack.ts";
import { expectRejection, uniqueSuffix } from "./expect-error.ts";

/** What a step logs: parameters (compared as text, as trackers often store them) and numeric metrics. */
export interface TrackedValues {
  params: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
}

export interface ExperimentTrackerFixture<T extends BaseExperimentTracker = BaseExperimentTracker> {
  tracker: T;
  /** How a step logs through this tracker, e.g. `(tracker, values, ctx) => tracker.log(ctx, values)`. */
  log: (tracker: T, values: TrackedValues, context: StepContext) => Promise<void> | void;
  /**
   * The recorder: what the tracker's backend holds for one pipeline run (parameters and the last
   * value of each metric), or undefined when it holds nothing for that run.
   */
  recorded: (run: { pipelineName: string; runName: string }) => Promise<TrackedValues | undefined>;
  /** Called once after the suite. */
  cleanup?: () => Promise<void>;
}

export interface ExperimentTrackerConformanceOptions {
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Steps logging at the same time in the concurrency test (default 6). */
  concurrentSteps?: number;
}

/** The fixture of the running suite: steps are module-level, so they reach it through here. */
let active: ExperimentTrackerFixture<BaseExperimentTracker> | undefined;
/** Values each step logs, by run name then step name (set by the test before the run). */
const plans = new Map<string, Record<string, TrackedValues>>();

async function logPlanned(ctx: StepContext): Promise<void> {
  const values = plans.get(ctx.runName)?.[ctx.stepName];
  if (!values) return;
  const tracker = ctx.stack.experimentTracker;
  if (!tracker || !active) throw new Error("The stack of the conformance run has no experiment tracker.");
  await active.log(tracker, values, ctx);
}

const prepare = step({ name: "prepare", enableCache: false, run: async (_i: void, _p, ctx) => (await logPlanned(ctx), 1) });
const train = step({ name: "train", enableCache: false, run: async (x: number, _p, ctx) => (await logPlanned(ctx), x + 1) });
const crash = step({
  name: "crash",
  enableCache: false,
  run: async (_x: number, _p, ctx): Promise<number> => {
    await logPlanned(ctx);
    throw new Error("diverged after logging");
  },
});
const quiet = step({ name: "quiet", enableCache: false, run: () => 0 });
const worker = step({ name: "worker", enableCache: false, run: async (_i: void, _p, ctx) => (await logPlanned(ctx), ctx.stepName) });

/** Registers the conformance tests for the experiment tracker `makeTracker` returns (called once, in `beforeAll`). */
export function describeExperimentTrackerConformance<T extends BaseExperimentTracker>(
  name: string,
  makeTracker: () => Promise<ExperimentTrackerFixture<T>>,
  options: ExperimentTrackerConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const width = options.concurrentSteps ?? 6;

  describe(`experiment tracker conformance: ${name}`, () => {
    let fixture: ExperimentTrackerFixture<T> | undefined;
    const stacks: ConformanceStack[] = [];
    const suffix = uniqueSuffix();
    let counter = 0;
    const pipelineName = (label: string) => `conformance_${label}_${suffix}`;
    const runName = (label: string) => `${label}-${++counter}-${suffix}`;

    beforeAll(async () => {
      fixture = await makeTracker();
      active = fixture as unknown as ExperimentTrackerFixture<BaseExperimentTracker>;
    }, timeout);

    afterAll(async () => {
      active = undefined;
      try {
        for (const s of stacks.splice(0)) await s.dispose();
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout);

    const stack = () => {
      const made = conformanceStack({ name: "tracked", components: { experiment_tracker: fixture!.tracker } });
      stacks.push(made);
      return made.stack;
    };
    const run = (flow: { run: (o: Record<string, unknown>) => Promise<PipelineRunView> }, name: string, plan: Record<string, TrackedValues>) => {
      plans.set(name, plan);
      return flow.run({ stack: stack(), runName: name, onEvent: false, handleSignals: false });
    };
    const expectRecorded = (recorded: TrackedValues | undefined, expected: TrackedValues) => {
      expect(recorded).toBeDefined();
      const asText = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
      expect(asText(recorded!.params)).toEqual(asText(expected.params));
      expect(recorded!.metrics).toEqual(expected.metrics);
    };

    it(
      "records what the steps of a run log under that pipeline run",
      async () => {
        const flow = pipeline(pipelineName("basic"), () => {
          train(prepare());
        });
        const name = runName("basic");
        const view = await run(flow, name, {
          prepare: { params: { dataset: "iris", rows: 150 }, metrics: {} },
          train: { params: { learning_rate: 0.01, optimizer: "adam" }, metrics: { loss: 0.25, accuracy: 0.93 } },
        });
        expect(view.status).toBe("completed");
        expectRecorded(await fixture!.recorded({ pipelineName: flow.name, runName: name }), {
          params: { dataset: "iris", rows: 150, learning_rate: 0.01, optimizer: "adam" },
          metrics: { loss: 0.25, accuracy: 0.93 },
        });
      },
      timeout,
    );

    it(
      "keeps successive runs of a pipeline apart",
      async () => {
        const flow = pipeline(pipelineName("successive"), () => {
          train(prepare());
        });
        const first = runName("successive");
        const second = runName("successive");
        await run(flow, first, { train: { params: { learning_rate: 0.1 }, metrics: { loss: 0.5 } } });
        await run(flow, second, { train: { params: { learning_rate: 0.2 }, metrics: { loss: 0.4 } } });
        expectRecorded(await fixture!.recorded({ pipelineName: flow.name, runName: first }), { params: { learning_rate: 0.1 }, metrics: { loss: 0.5 } });
        expectRecorded(await fixture!.recorded({ pipelineName: flow.name, runName: second }), { params: { learning_rate: 0.2 }, metrics: { loss: 0.4 } });
      },
      timeout,
    );

    it(
      `records everything ${width} steps log at the same time`,
      async () => {
        const flow = pipeline(pipelineName("concurrent"), () => {
          for (let i = 0; i < width; i++) worker({}, { name: `worker_${i}` });
        });
        const name = runName("concurrent");
        const plan: Record<string, TrackedValues> = {};
        const expected: TrackedValues = { params: {}, metrics: {} };
        for (let i = 0; i < width; i++) {
          plan[`worker_${i}`] = { params: { [`param_${i}`]: `value ${i}` }, metrics: { [`metric_${i}`]: i / 10 } };
          expected.params[`param_${i}`] = `value ${i}`;
          expected.metrics[`metric_${i}`] = i / 10;
        }
        const view = await run(flow, name, plan);
        expect(view.status).toBe("completed");
        expectRecorded(await fixture!.recorded({ pipelineName: flow.name, runName: name }), expected);
      },
      timeout,
    );

    it(
      "keeps what a failing step logged, and the run fails with the step's own error",
      async () => {
        const flow = pipeline(pipelineName("failing"), () => {
          crash(prepare());
        });
        const name = runName("failing");
        const error = await expectRejection(
          run(flow, name, {
            prepare: { params: { seed: 7 }, metrics: {} },
            crash: { params: { learning_rate: 10 }, metrics: { loss: 1e9 } },
          }),
          "ZEN_RUN_FAILED",
          { mentions: "diverged after logging" },
        );
        expect(error.message).toContain("step 'crash'");
        expectRecorded(await fixture!.recorded({ pipelineName: flow.name, runName: name }), {
          params: { seed: 7, learning_rate: 10 },
          metrics: { loss: 1e9 },
        });

        // The tracker recovers: the next run records normally.
        const next = pipeline(pipelineName("after_failure"), () => {
          train(prepare());
        });
        const after = runName("after_failure");
        await run(next, after, { train: { params: { recovered: true }, metrics: { loss: 0.3 } } });
        expectRecorded(await fixture!.recorded({ pipelineName: next.name, runName: after }), { params: { recovered: true }, metrics: { loss: 0.3 } });
      },
      timeout,
    );

    it(
      "lets a run whose steps log nothing complete, recording no values",
      async () => {
        const flow = pipeline(pipelineName("quiet"), () => {
          quiet();
        });
        const name = runName("quiet");
        const view = await run(flow, name, {});
        expect(view.status).toBe("completed");
        const recorded = await fixture!.recorded({ pipelineName: flow.name, runName: name });
        expect(recorded === undefined || (Object.keys(recorded.params).length === 0 && Object.keys(recorded.metrics).length === 0)).toBe(true);
      },
      timeout,
    );
  });
}
