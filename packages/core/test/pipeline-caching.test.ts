import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { pipeline, step, type PipelineRunView } from "../src/index.ts";
import { tempStack } from "./pipeline-helpers.ts";

const statuses = (run: PipelineRunView) => Object.fromEntries(run.steps.map((s) => [s.name, s.status]));
const reasons = (run: PipelineRunView) => Object.fromEntries(run.steps.map((s) => [s.name, s.cacheReason]));

const source = step({ name: "source", parameters: z.object({ n: z.number().int() }), run: async (_: void, { n }) => Array.from({ length: n }, (_, i) => i) });
const train = step({
  name: "train",
  parameters: z.object({ lr: z.number() }),
  run: async (xs: number[], { lr }) => ({ weights: xs.map((x) => x * lr) }),
});
const evaluate = step({ name: "evaluate", run: async (model: { weights: number[] }) => model.weights.reduce((a, b) => a + b, 0) });
const describeData = step({ name: "describe_data", run: async (xs: number[]) => ({ count: xs.length }) });

const flow = pipeline("cache", { parameters: z.object({ n: z.number().int().default(5), lr: z.number().default(0.1) }) }, ({ n, lr }) => {
  const data = source({ n });
  const model = train(data, { lr });
  evaluate(model);
  describeData(data);
});

describe("caching", () => {
  it("reuses every step on an unchanged second run, and says since which run", async () => {
    const stack = tempStack();
    const first = await flow.run({ stack, onEvent: false, runName: "c1" });
    expect(Object.values(statuses(first))).toEqual(["completed", "completed", "completed", "completed"]);
    expect(reasons(first).train).toBe("no earlier execution of this step");

    const second = await flow.run({ stack, onEvent: false, runName: "c2" });
    expect(statuses(second)).toEqual({ source: "cached", train: "cached", evaluate: "cached", describe_data: "cached" });
    expect(Object.values(reasons(second))).toEqual(Array(4).fill("unchanged since run 'c1'"));
    // A cached step returns the very artifacts of the run that computed them.
    expect(second.getStep(train).output.id).toBe(first.getStep(train).output.id);
    expect(second.getStep(train).output.producerStepId).toBe(first.getStep(train).id);
    expect(await second.getStep(evaluate).output.read()).toBeCloseTo(1.0);
  });

  it("re-runs exactly the steps that depend on a changed parameter, saying why", async () => {
    const stack = tempStack();
    await flow.run({ stack, onEvent: false, runName: "p1" });
    const changed = await flow.run({ stack, onEvent: false, runName: "p2", parameters: { lr: 0.2 } });
    expect(statuses(changed)).toEqual({ source: "cached", train: "completed", evaluate: "completed", describe_data: "cached" });
    expect(reasons(changed).train).toBe("parameter lr changed");
    expect(reasons(changed).evaluate).toBe("input from train changed");
    expect(await changed.getStep(evaluate).output.read()).toBeCloseTo(2.0);

    // Changing the upstream parameter re-runs everything downstream of it.
    const more = await flow.run({ stack, onEvent: false, runName: "p3", parameters: { n: 6, lr: 0.2 } });
    expect(Object.values(statuses(more))).toEqual(["completed", "completed", "completed", "completed"]);
    expect(reasons(more).source).toBe("parameter n changed");
    expect(reasons(more).describe_data).toBe("input from source changed");
  });

  it("keeps a step cached when its re-run upstream produced identical content", async () => {
    const stack = tempStack();
    const constant = step({ name: "constant", parameters: z.object({ label: z.string() }), run: async () => [1, 2, 3] });
    const total = step({ name: "total", run: async (xs: number[]) => xs.reduce((a, b) => a + b, 0) });
    const make = (label: string) =>
      pipeline("content", () => {
        total(constant({ label }));
      });
    await make("a").run({ stack, onEvent: false });
    const run = await make("b").run({ stack, onEvent: false });
    expect(statuses(run)).toEqual({ constant: "completed", total: "cached" });
  });

  it("says when the code of a step changed", async () => {
    const stack = tempStack();
    const v1 = step({ name: "compute", run: async () => 1 });
    const v2 = step({ name: "compute", run: async () => 1 + 1 });
    await pipeline("code", () => void v1()).run({ stack, onEvent: false });
    const run = await pipeline("code", () => void v2()).run({ stack, onEvent: false });
    expect(run.getStep("compute").status).toBe("completed");
    expect(run.getStep("compute").cacheReason).toBe("code of compute changed");
  });

  it("disables the cache per run, per step definition and per call", async () => {
    const stack = tempStack();
    await flow.run({ stack, onEvent: false });
    const uncached = await flow.run({ stack, onEvent: false, enableCache: false });
    expect(Object.values(statuses(uncached))).toEqual(Array(4).fill("completed"));
    expect(Object.values(reasons(uncached))).toEqual(Array(4).fill("cache disabled for this run"));

    const always = step({ name: "always", enableCache: false, run: async (xs: number[]) => xs.length });
    const perStep = pipeline("per-step", () => {
      const data = source({ n: 3 });
      always(data);
      describeData(data, {}, { enableCache: false });
      evaluate(train(data, { lr: 1 }));
    });
    await perStep.run({ stack, onEvent: false });
    const run = await perStep.run({ stack, onEvent: false });
    expect(statuses(run)).toEqual({ source: "cached", always: "completed", describe_data: "completed", train: "cached", evaluate: "cached" });
    expect(reasons(run).always).toBe("cache disabled for step always");
    expect(reasons(run).describe_data).toBe("cache disabled for step describe_data");

    const pipelineDefault = pipeline("never", { enableCache: false }, () => void source({ n: 1 }));
    await pipelineDefault.run({ stack, onEvent: false });
    expect((await pipelineDefault.run({ stack, onEvent: false })).getStep(source).status).toBe("completed");
    expect((await pipelineDefault.run({ stack, onEvent: false, enableCache: true })).getStep(source).status).toBe("cached");
  });

  it("re-runs a step whose external input (cacheKey) changed", async () => {
    const stack = tempStack();
    const file = path.join(stack.root, "data.txt");
    writeFileSync(file, "one");
    const readData = step({
      name: "read_data",
      parameters: z.object({ file: z.string() }),
      cacheKey: async ({ file }) => readFile(file, "utf8"),
      run: async (_: void, { file }) => readFile(file, "utf8"),
    });
    const p = pipeline("external", () => void readData({ file }));
    await p.run({ stack, onEvent: false });
    expect((await p.run({ stack, onEvent: false })).getStep(readData).status).toBe("cached");
    writeFileSync(file, "two");
    const run = await p.run({ stack, onEvent: false });
    expect(run.getStep(readData).status).toBe("completed");
    expect(run.getStep(readData).cacheReason).toBe("cache key of read_data changed");
    expect(await run.getStep(readData).output.read()).toBe("two");
  });

  it("re-runs a step whose cached outputs were deleted from the artifact store", async () => {
    const stack = tempStack();
    const first = await flow.run({ stack, onEvent: false });
    rmSync(first.getStep(train).output.uri, { recursive: true });
    const run = await flow.run({ stack, onEvent: false });
    expect(statuses(run)).toEqual({ source: "cached", train: "completed", evaluate: "cached", describe_data: "cached" });
    expect(reasons(run).train).toBe("the outputs of the cached execution are missing from the artifact store");
  });

  it("does not cache a failed step", async () => {
    const stack = tempStack();
    let fail = true;
    const flaky = step({
      name: "flaky",
      run: async () => {
        if (fail) throw new Error("not yet");
        return "ok";
      },
    });
    const p = pipeline("flaky", () => void flaky());
    await expect(p.run({ stack, onEvent: false })).rejects.toThrow("not yet");
    fail = false;
    const run = await p.run({ stack, onEvent: false });
    expect(run.getStep(flaky).status).toBe("completed");
    expect(run.getStep(flaky).cacheReason).toBe("no earlier execution of this step");
  });
});
