/**
 * Step logs on a remote artifact store, one case for every backend: two steps printing at the same
 * time each get their own log object next to their outputs, a running step's log is already readable
 * while it runs, and a failed step's log is kept with its error, read back through `PipelineRepository`.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { makeTempDir } from "./temp-dir.ts";
import { rejectionOf } from "./rejection.ts";

interface LocalStackLike {
  components: object;
  metadataStore: { close(): unknown };
}

/**
 * The parts of `@zen/core` the case runs on (pass `import * as zen from "@zen/core"`; `Stack` is then
 * core's `LoadedStack`): core's own tests depend on this package, so it cannot depend on core.
 */
export interface StepLogsZen<Stack extends LocalStackLike> {
  step(spec: { name: string; run: (input: void, params: unknown, ctx: { stack: NoInfer<Stack>; runName: string }) => Promise<unknown> }): () => unknown;
  pipeline(
    name: string,
    builder: (params: Record<string, never>) => void,
  ): { run(options: { stack: NoInfer<Stack>; onEvent: false; runName: string }): Promise<unknown> };
  PipelineRepository: {
    forStack(stack: NoInfer<Stack>): { getRun(name: string): Promise<{ getStep(name: string): { id: string; logs(): Promise<string> } }> };
  };
  PipelineRunError: abstract new (...args: never[]) => Error;
  createLocalStack(options: { root: string }): Stack;
}

/** An artifact store of the backend under test: its own listing API finds the log objects. */
export interface LoggingStore {
  path: string;
  glob(pattern: string): Promise<string[]>;
}

export interface StepLogsOnStoreOptions<Store extends LoggingStore, Stack extends LocalStackLike> {
  zen: StepLogsZen<Stack>;
  /** The `describe` title, e.g. "step logs on an s3 artifact store". */
  title: string;
  /** The flavor's name, in the pipeline, run and temp-dir names (`s3` → pipeline `s3_logs`, run `s3-logs-1`). */
  flavor: string;
  /** A bucket of the test's own, a store over it, and its removal. */
  open(): Promise<{ store(): Store; dispose(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeStepLogsOnStore<Store extends LoggingStore, Stack extends LocalStackLike>(options: StepLogsOnStoreOptions<Store, Stack>): void {
  const { zen, flavor } = options;
  const { PipelineRepository } = zen;
  const tick = zen.step({
    name: "tick",
    run: async (_: void, _p, ctx) => {
      process.stdout.write("tick 1\n");
      // Saved every few seconds while the step runs: readable before it ends.
      await sleep(3500);
      const sofar = await PipelineRepository.forStack(ctx.stack).getRun(ctx.runName);
      process.stdout.write(`tick 2 (saved so far: ${JSON.stringify(await sofar.getStep("tick").logs())})\n`);
      return 1;
    },
  });
  const tock = zen.step({
    name: "tock",
    run: async () => {
      for (let i = 0; i < 3; i++) {
        process.stderr.write(`tock ${i}\n`);
        await sleep(20);
      }
      throw new Error("tock broke");
    },
  });

  describe(options.title, () => {
    let bucket: { store(): Store; dispose(): Promise<void> };
    beforeAll(async () => {
      bucket = await options.open();
    }, 60_000);
    afterAll(() => bucket?.dispose());

    it("keeps each step's log as its own object, live while it runs and after a failure", async () => {
      const store = bucket.store();
      const local = zen.createLocalStack({ root: makeTempDir(`zen-${flavor}-logs-`) });
      const stack = { ...local, artifactStore: store, components: { ...local.components, artifact_store: store } };
      const pipelineName = `${flavor}_logs`;
      const runName = `${flavor}-logs-1`;
      const flow = zen.pipeline(pipelineName, () => {
        tick();
        tock();
      });
      const error = await rejectionOf(flow.run({ stack, onEvent: false, runName }));
      expect(error).toBeInstanceOf(zen.PipelineRunError);

      const run = await PipelineRepository.forStack(stack).getRun(runName);
      expect(await run.getStep("tick").logs()).toBe('tick 1\ntick 2 (saved so far: "tick 1\\n")\n');
      const tockLogs = await run.getStep("tock").logs();
      expect(tockLogs.startsWith("tock 0\ntock 1\ntock 2\n[zen: the step failed] Error: tock broke\n")).toBe(true);

      const prefix = `${store.path}/${pipelineName}`;
      const logObjects = (await store.glob(`${prefix}/**`)).filter((uri) => uri.includes("/logs/"));
      expect(logObjects.sort()).toEqual([`${prefix}/tick/logs/${run.getStep("tick").id}.txt`, `${prefix}/tock/logs/${run.getStep("tock").id}.txt`].sort());
      await local.metadataStore.close();
    }, 60_000);
  });
}
