/**
 * The conformance suite for orchestrators: real pipelines run through `pipeline.run()` on a local
 * stack whose orchestrator is the one under test. It checks what every orchestrator owes the run:
 * each step once and after its upstream steps (so outputs flow along the DAG), cached steps treated
 * as done, the dependants of a failed step not run (the core reports them skipped), independent
 * branches not held up, and cancellation honoured. Outcome events, records and caching come from the
 * core; the suite checks they arrive once per step.
 *
 *   describeOrchestratorConformance("my-orchestrator", async () => ({ orchestrator: new MyOrchestrator({ … }) }));
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file. Steps run
 * through `run.runStep`, in this process: an orchestrator that runs steps elsewhere tests that path
 * with steps calling `runStepOfRun` in their own processes, and its submission separately.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { z } from "zod";
import type { BaseOrchestrator } from "../components/orchestrator.ts";
import type { PipelineEvent } from "../components/run-events.ts";
import { pipeline } from "../pipeline/pipeline.ts";
import type { PipelineRunView } from "../pipeline/repository.ts";
import type { RunOptions } from "../pipeline/run-pipeline.ts";
import { step, type StepContext } from "../pipeline/step.ts";
import { conformanceStack, type ConformanceStack } from "./conformance-stack.ts";
import { expectRejection, uniqueSuffix } from "./expect-error.ts";

export interface OrchestratorFixture {
  orchestrator: BaseOrchestrator;
  /** Called once after the suite. */
  cleanup?: () => Promise<void>;
}

export interface OrchestratorConformanceOptions {
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Also require that independent steps overlap in time (for orchestrators that run them concurrently). Default false. */
  expectConcurrency?: boolean;
}

interface Trace {
  step: string;
  start: number;
  end?: number;
}

/** What each step of a run did, by run name (steps run in this process). */
const traces = new Map<string, Trace[]>();
/** Aborted by the `halt` step: the cancellation test's run signal. */
let haltController = new AbortController();

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function traced<T>(ctx: StepContext, ms: number, work: () => T | Promise<T>): Promise<T> {
  const trace: Trace = { step: ctx.stepName, start: performance.now() };
  let list = traces.get(ctx.runName);
  if (!list) traces.set(ctx.runName, (list = []));
  list.push(trace);
  if (ms > 0) await delay(ms);
  try {
    return await work();
  } finally {
    trace.end = performance.now();
  }
}

const source = step({ name: "source", run: (_inputs: void, _params, ctx) => traced(ctx, 20, () => 2) });
const double = step({ name: "double", run: (x: number, _params, ctx) => traced(ctx, 30, () => x * 2) });
const square = step({ name: "square", run: (x: number, _params, ctx) => traced(ctx, 5, () => x * x) });
const join = step({
  name: "join",
  run: (inputs: { a: number; b: number }, _params, ctx) => traced(ctx, 0, () => ({ sum: inputs.a + inputs.b })),
});
const boom = step({
  name: "boom",
  run: (x: number, _params, ctx): Promise<number> =>
    traced(ctx, 10, () => {
      throw new RangeError(`boom at ${x}`);
    }),
});
const afterBoom = step({ name: "after_boom", run: (x: number, _params, ctx) => traced(ctx, 0, () => x + 1) });
const side = step({ name: "side", run: (x: number, _params, ctx) => traced(ctx, 40, () => x + 100) });
const leaf = step({
  name: "leaf",
  parameters: z.object({ i: z.number().int() }),
  run: (_inputs: void, params, ctx) => traced(ctx, 40, () => params.i),
});
const collect = step({ name: "collect", run: (values: number[], _params, ctx) => traced(ctx, 0, () => values.reduce((a, b) => a + b, 0)) });
const halt = step({
  name: "halt",
  enableCache: false,
  run: (x: number, _params, ctx) =>
    traced(ctx, 0, async () => {
      haltController.abort();
      // A well-behaved long step stops when the run is cancelled.
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
        setTimeout(resolve, 2000).unref?.();
      });
      return x;
    }),
});
const afterHalt = step({ name: "after_halt", run: (x: number, _params, ctx) => traced(ctx, 0, () => x) });

const diamond = pipeline("conformance_diamond", () => {
  const s = source();
  join({ a: double(s), b: square(s) });
});
const failing = pipeline("conformance_failing", () => {
  const s = source();
  afterBoom(boom(s));
  side(s);
});
const WIDTH = 8;
const wide = pipeline("conformance_wide", () => {
  const leaves = Array.from({ length: WIDTH }, (_, i) => leaf({ i }, { name: `leaf_${i}` }));
  collect(leaves);
});
const halting = pipeline("conformance_halting", () => {
  afterHalt(halt(source()));
});

function eventsCollector() {
  const events: PipelineEvent[] = [];
  return {
    events,
    onEvent: (event: PipelineEvent) => void events.push(event),
    steps: (type: PipelineEvent["type"]) =>
      events
        .filter((e) => e.type === type)
        .map((e) => ("step" in e ? e.step : ""))
        .sort(),
  };
}

function tracesOf(runName: string): Trace[] {
  return traces.get(runName) ?? [];
}

function statuses(run: PipelineRunView): Record<string, string> {
  return Object.fromEntries(run.steps.map((s) => [s.name, s.status]));
}

/** Waits until every step that started in the run has ended (steps may outlive a cancelled run). */
async function settled(runName: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (tracesOf(runName).some((t) => t.end === undefined) && Date.now() < deadline) await delay(10);
  // The step runner still records the outcome after the step's code returns.
  await delay(200);
}

/** Registers the conformance tests for the orchestrator `makeOrchestrator` returns (called once, in `beforeAll`). */
export function describeOrchestratorConformance(
  name: string,
  makeOrchestrator: () => Promise<OrchestratorFixture>,
  options: OrchestratorConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;

  describe(`orchestrator conformance: ${name}`, () => {
    let fixture: OrchestratorFixture | undefined;
    const stacks: ConformanceStack[] = [];
    let runCounter = 0;

    beforeAll(async () => {
      fixture = await makeOrchestrator();
    }, timeout);

    afterAll(async () => {
      try {
        for (const s of stacks.splice(0)) await s.dispose();
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout);

    /** A fresh stack (own metadata and artifacts) using the orchestrator under test. */
    const freshStack = () => {
      const made = conformanceStack({ name: "conformance", orchestrator: fixture!.orchestrator });
      stacks.push(made);
      return made.stack;
    };
    const suffix = uniqueSuffix();
    const runName = (label: string) => `${label}-${++runCounter}-${suffix}`;
    const runOptions = (stack: ConformanceStack["stack"], run: string, onEvent: (e: PipelineEvent) => void): RunOptions<Record<string, never>> => ({
      stack,
      runName: run,
      onEvent,
      handleSignals: false,
    });

    it(
      "runs each step of a DAG once, after its upstream steps, passing outputs along",
      async () => {
        const stack = freshStack();
        const run = runName("diamond");
        const events = eventsCollector();
        const view = await diamond.run({ ...runOptions(stack, run, events.onEvent), enableCache: false });

        expect(view.status).toBe("completed");
        expect(statuses(view)).toEqual({ source: "completed", double: "completed", square: "completed", join: "completed" });
        expect(await view.getStep("join").output.read()).toEqual({ sum: 8 });

        const done = tracesOf(run);
        expect(done.map((t) => t.step).sort()).toEqual(["double", "join", "source", "square"]);
        const at = (stepName: string) => done.find((t) => t.step === stepName)!;
        for (const [child, parents] of [
          ["double", ["source"]],
          ["square", ["source"]],
          ["join", ["double", "square"]],
        ] as const) {
          for (const parent of parents) expect(at(child).start).toBeGreaterThanOrEqual(at(parent).end!);
        }
        expect(events.steps("step-finished")).toEqual(["double", "join", "source", "square"]);
      },
      timeout,
    );

    it(
      `runs ${WIDTH} independent steps and a step that takes all their outputs`,
      async () => {
        const stack = freshStack();
        const run = runName("wide");
        const events = eventsCollector();
        const view = await wide.run({ ...runOptions(stack, run, events.onEvent), enableCache: false });

        expect(view.status).toBe("completed");
        expect(await view.getStep("collect").output.read()).toBe((WIDTH * (WIDTH - 1)) / 2);
        const done = tracesOf(run);
        expect(done).toHaveLength(WIDTH + 1);
        const leaves = done.filter((t) => t.step.startsWith("leaf_"));
        const collected = done.find((t) => t.step === "collect")!;
        for (const l of leaves) expect(collected.start).toBeGreaterThanOrEqual(l.end!);
        if (options.expectConcurrency) {
          const overlapping = leaves.some((a) => leaves.some((b) => a !== b && a.start < b.end! && b.start < a.end!));
          expect({ independentStepsOverlap: overlapping }).toEqual({ independentStepsOverlap: true });
        }
        expect(events.steps("step-finished")).toHaveLength(WIDTH + 1);
      },
      timeout,
    );

    it(
      "stops the dependants of a failed step and fails the run naming the step",
      async () => {
        const stack = freshStack();
        const run = runName("failing");
        const events = eventsCollector();
        const error = await expectRejection(failing.run({ ...runOptions(stack, run, events.onEvent), enableCache: false }), "ZEN_RUN_FAILED", {
          mentions: "step 'boom'",
        });
        expect(error.message).toContain("boom at 2");

        const view = (error as unknown as { run: PipelineRunView }).run;
        expect(view.status).toBe("failed");
        const recorded = statuses(view);
        expect(recorded).toMatchObject({ source: "completed", boom: "failed", after_boom: "skipped" });
        // An independent branch may finish or be skipped, never fail.
        expect(["completed", "skipped"]).toContain(recorded.side);
        await settled(run);
        expect(tracesOf(run).map((t) => t.step)).not.toContain("after_boom");
        expect(events.steps("step-failed")).toEqual(["boom"]);
      },
      timeout,
    );

    it(
      "treats cached steps as done: their dependants run on their outputs",
      async () => {
        const stack = freshStack();
        const first = runName("cached");
        await diamond.run(runOptions(stack, first, () => {}));
        const second = runName("cached");
        const events = eventsCollector();
        const view = await diamond.run(runOptions(stack, second, events.onEvent));

        expect(view.status).toBe("completed");
        expect(statuses(view)).toEqual({ source: "cached", double: "cached", square: "cached", join: "cached" });
        expect(await view.getStep("join").output.read()).toEqual({ sum: 8 });
        expect(tracesOf(second)).toEqual([]);
        expect(events.steps("step-cached")).toEqual(["double", "join", "source", "square"]);
      },
      timeout,
    );

    it(
      "takes a schedule only when it declares supportsSchedules, and then leaves the run to its own side",
      async () => {
        const stack = freshStack();
        const run = runName("scheduled");
        const scheduled = diamond.run({ ...runOptions(stack, run, () => {}), schedule: "0 3 * * *" });
        if (!fixture!.orchestrator.supportsSchedules) {
          const error = await expectRejection(scheduled, "ZEN_INVALID");
          expect(error.message).toContain("cannot schedule runs");
          expect(await stack.metadataStore.listRuns()).toEqual([]);
        } else {
          // A scheduled submission returns a DetachedRun: the run stays recorded as running.
          expect((await scheduled).status).toBe("running");
        }
      },
      timeout,
    );

    it(
      "starts no further step once the run is cancelled",
      async () => {
        const stack = freshStack();
        const run = runName("halting");
        haltController = new AbortController();
        const error = await expectRejection(
          halting.run({ ...runOptions(stack, run, () => {}), enableCache: false, signal: haltController.signal }),
          "ZEN_RUN_CANCELLED",
        );
        const view = (error as unknown as { run: PipelineRunView }).run;
        expect(view.status).toBe("cancelled");
        expect(statuses(view).after_halt).toBe("cancelled");
        await settled(run);
        expect(tracesOf(run).map((t) => t.step)).not.toContain("after_halt");
      },
      timeout,
    );
  });
}
