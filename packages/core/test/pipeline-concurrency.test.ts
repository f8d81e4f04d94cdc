import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { PipelineRepository, createLocalStack, pipeline, step } from "../src/index.ts";
import { FIXTURES, runScript, tempStack } from "./pipeline-helpers.ts";

function concurrencyProbe(delayMs: number) {
  let running = 0;
  let peak = 0;
  const probe = step({
    name: "probe",
    run: async (_: void, _params, ctx) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      running--;
      return ctx.stepName;
    },
  });
  return { probe, peak: () => peak };
}

describe("the local orchestrator's concurrency", () => {
  it("runs independent steps at the same time, at most maxConcurrency", async () => {
    const { probe, peak } = concurrencyProbe(40);
    const fanOut = pipeline("fan-out", () => {
      for (let i = 0; i < 12; i++) probe();
    });
    const started = performance.now();
    const run = await fanOut.run({ stack: tempStack(), onEvent: false, maxConcurrency: 3 });
    expect(run.status).toBe("completed");
    expect(peak()).toBe(3);
    // 12 steps, 3 at a time, 40 ms each: at least 4 rounds.
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 40 - 5);
    // The runtime option reached the orchestrator and was recorded with the run.
    expect(run.runtimeConfiguration).toEqual({ maxConcurrency: 3 });
  });

  it("uses the orchestrator's configured limit when the run gives none", async () => {
    const { probe, peak } = concurrencyProbe(20);
    const fanOut = pipeline("fan-out-config", () => {
      for (let i = 0; i < 8; i++) probe();
    });
    await fanOut.run({ stack: tempStack({ maxConcurrency: 2 }), onEvent: false });
    expect(peak()).toBe(2);
  });

  it("never starts a step before its upstream steps finished", async () => {
    const order: string[] = [];
    const track = async (name: string) => {
      order.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${name}`);
    };
    const a = step({ name: "a", run: async () => (await track("a"), 1) });
    const b = step({ name: "b", run: async (x: number) => (await track("b"), x + 1) });
    const c = step({ name: "c", run: async (x: number) => (await track("c"), x + 2) });
    const d = step({ name: "d", run: async ({ y, z }: { y: number; z: number }) => (await track("d"), y + z) });
    const diamond = pipeline("diamond", () => {
      const x = a();
      d({ y: b(x), z: c(x) });
    });
    const run = await diamond.run({ stack: tempStack(), onEvent: false });
    expect(await run.getStep(d).output.read()).toBe(5);
    const at = (entry: string) => order.indexOf(entry);
    expect(at("start b")).toBeGreaterThan(at("end a"));
    expect(at("start c")).toBeGreaterThan(at("end a"));
    expect(at("start d")).toBeGreaterThan(Math.max(at("end b"), at("end c")));
    // b and c overlapped.
    expect(at("start c")).toBeLessThan(at("end b"));
  });
});

describe("two pipelines at the same time on one stack", () => {
  it("in one process: both complete and both are recorded", async () => {
    const stack = tempStack();
    const { probe } = concurrencyProbe(30);
    const one = pipeline("one", () => {
      for (let i = 0; i < 5; i++) probe();
    });
    const two = pipeline("two", () => {
      for (let i = 0; i < 5; i++) probe();
    });
    const [r1, r2] = await Promise.all([one.run({ stack, onEvent: false }), two.run({ stack, onEvent: false })]);
    expect([r1.status, r2.status]).toEqual(["completed", "completed"]);
    const repository = PipelineRepository.forStack(stack);
    expect((await repository.getPipelines()).map((p) => [p.name, p.runCount])).toEqual([
      ["one", 1],
      ["two", 1],
    ]);
    expect((await (await repository.getPipeline("two")).latestRun())?.steps.every((s) => s.status === "completed")).toBe(true);
  });

  it("in two processes sharing the SQLite file and artifact directory: both complete and both are recorded", async () => {
    const root = makeTempDir("zen-two-procs-");
    const script = path.join(FIXTURES, "busy-pipeline.ts");
    const [first, second] = await Promise.all([runScript(script, [root, "busy_a", "run-a"]), runScript(script, [root, "busy_b", "run-b"])]);
    expect(first.stderr).toBe("");
    expect(second.stderr).toBe("");
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout.trim()).toBe(`completed ${18 * 4950}`);
    expect(second.stdout.trim()).toBe(`completed ${18 * 4950}`);

    const stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
    const repository = PipelineRepository.forStack(stack);
    for (const [pipelineName, runName] of [
      ["busy_a", "run-a"],
      ["busy_b", "run-b"],
    ] as const) {
      const run = await repository.getRun(runName);
      expect(run.pipelineName).toBe(pipelineName);
      expect(run.status).toBe("completed");
      expect(run.steps).toHaveLength(20);
      expect(run.steps.every((s) => s.status === "completed")).toBe(true);
    }
    // The runs overlapped in time (otherwise this test would prove nothing).
    const [a, b] = await Promise.all([repository.getRun("run-a"), repository.getRun("run-b")]);
    expect(a.startedAt < b.endedAt! && b.startedAt < a.endedAt!).toBe(true);
    await stack.metadataStore.close();
  });
});
