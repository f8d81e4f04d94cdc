import { existsSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { PipelineRunError, pipeline, step } from "../src/index.ts";
import { collectEvents, tempStack } from "./pipeline-helpers.ts";

const started: string[] = [];
const prepare = step({ name: "prepare", run: async () => (started.push("prepare"), { rows: [1, 2, 3] }) });
const explode = step({
  name: "explode",
  run: async (_data: { rows: number[] }): Promise<number> => {
    started.push("explode");
    throw new RangeError("learning rate too high.");
  },
});
const afterExplode = step({ name: "after_explode", run: async (x: number) => (started.push("after_explode"), x) });
const twiceAfter = step({ name: "twice_after", run: async (x: number) => (started.push("twice_after"), x) });
const independent = step({
  name: "independent",
  run: async (data: { rows: number[] }) => {
    // Slower than explode: it is still running when explode fails, and must finish normally.
    await new Promise((resolve) => setTimeout(resolve, 50));
    started.push("independent");
    return data.rows.length;
  },
});

const failing = pipeline("failing", () => {
  const data = prepare();
  const x = explode(data);
  twiceAfter(afterExplode(x));
  independent(data);
});

describe("a step that throws", () => {
  it("fails the run naming the step and its error, keeps earlier outputs and starts no dependant", async () => {
    const stack = tempStack();
    const events = collectEvents();
    started.length = 0;
    const error = await failing.run({ stack, onEvent: events.onEvent, runName: "failing-1" }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(PipelineRunError);
    const runError = error as PipelineRunError;
    expect(runError.message).toBe("Run 'failing-1' of pipeline 'failing' failed at step 'explode': RangeError: learning rate too high.");
    expect(runError.exitCode).toBe(1);
    expect(runError.hint).toContain("Not started: after_explode, twice_after.");
    expect(runError.hint).toContain("zen pipeline runs describe failing-1");

    // Dependants never started; the independent branch completed.
    expect(started.sort()).toEqual(["explode", "independent", "prepare"]);
    expect(events.of("step-skipped").sort()).toEqual(["after_explode", "twice_after"]);
    expect(events.of("step-failed")).toEqual(["explode"]);

    // The recorded run says the same, with no step left pending or running.
    const run = runError.run;
    expect(run.status).toBe("failed");
    expect(run.error).toBe("step 'explode' failed: RangeError: learning rate too high.");
    expect(Object.fromEntries(run.steps.map((s) => [s.name, s.status]))).toEqual({
      prepare: "completed",
      explode: "failed",
      after_explode: "skipped",
      twice_after: "skipped",
      independent: "completed",
    });
    expect(run.getStep("explode").error).toBe("RangeError: learning rate too high.");

    // Earlier outputs are kept and readable; the next run reuses them.
    const prepared = run.getStep(prepare).output;
    expect(existsSync(prepared.uri)).toBe(true);
    expect(await prepared.read()).toEqual({ rows: [1, 2, 3] });
    const again = await failing.run({ stack, onEvent: false }).catch((e: PipelineRunError) => e.run);
    expect(again.getStep("prepare").status).toBe("cached");
    expect(again.getStep("independent").status).toBe("cached");
  });

  it("fails with a clear message when an output cannot be stored", async () => {
    const stack = tempStack();
    const mapper = step({ name: "mapper", run: async () => new Map([["a", 1]]) });
    const error = (await pipeline("unstorable", () => void mapper())
      .run({ stack, onEvent: false })
      .catch((e: unknown) => e)) as PipelineRunError;
    expect(error.message).toBe(
      "Run 'unstorable-" +
        error.run.name.slice("unstorable-".length) +
        "' of pipeline 'unstorable' failed at step 'mapper': " +
        "No materializer can store output 'output' of step 'mapper': a Map is not JSON data, a string or bytes.",
    );
    expect(error.run.getStep("mapper").status).toBe("failed");
  });

  it("fails a step whose upstream step returned nothing for an input it needs", async () => {
    const stack = tempStack();
    const nothing = step({ name: "nothing", run: async (): Promise<number | undefined> => undefined });
    const use = step({ name: "use", run: async (x: number | undefined) => x });
    const error = (await pipeline("missing-input", () => void use(nothing()))
      .run({ stack, onEvent: false })
      .catch((e: unknown) => e)) as PipelineRunError;
    expect(error.run.getStep("use").error).toBe("Input 'input' of step 'use' is missing: step 'nothing' returned nothing for output 'output'.");
  });
});
