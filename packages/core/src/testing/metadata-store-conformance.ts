/**
 * The conformance suite for metadata stores: the whole recording and query contract of
 * `BaseMetadataStore` (runs, steps, artifacts, lineage, cache lookups, unique run names, settled
 * steps, concurrent updates), then a real pipeline run on a local stack using the store.
 *
 *   describeMetadataStoreConformance("mysql", async () => ({ store: new MySqlMetadataStore({ … }) }));
 *
 * Every test uses its own pipeline names, so the suite may run against a database that already holds
 * other data. It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { BaseMetadataStore } from "../components/metadata-store.ts";
import { pipeline } from "../pipeline/pipeline.ts";
import type { ArtifactRecord, NewRunRecord, StepCompletion } from "../components/run-records.ts";
import type { RunPage, RunPageQuery } from "../components/run-page.ts";
import { step } from "../pipeline/step.ts";
import { conformanceStack, type ConformanceStack } from "./conformance-stack.ts";
import { expectRejection, uniqueSuffix } from "./expect-error.ts";

export interface MetadataStoreFixture {
  store: BaseMetadataStore;
  /** Called once after the suite, e.g. to drop the database. */
  cleanup?: () => Promise<void>;
}

export interface MetadataStoreConformanceOptions {
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Steps completed at the same time in the concurrency test (default 16). */
  concurrentSteps?: number;
}

const ARTIFACT_STORE_ID = "conformance-artifact-store";

/** Distinct, increasing ISO timestamps (some backends order by time). */
function clock(): () => string {
  let t = Date.UTC(2030, 0, 1);
  return () => new Date((t += 1000)).toISOString();
}

function newRun(pipelineName: string, name: string, steps: { name: string; upstream?: string[] }[], at: string): NewRunRecord {
  return {
    id: randomUUID(),
    name,
    pipelineName,
    stack: { name: "conformance", components: { orchestrator: { name: "default", flavor: "local" } } },
    runtimeConfiguration: { learning_rate: 0.1, note: "ünïcødé ✓", nested: { list: [1, 2, 3] } },
    parameters: { epochs: 3 },
    enableCache: true,
    startedAt: at,
    zenVersion: "0.0.0-conformance",
    steps: steps.map((s) => ({
      id: randomUUID(),
      name: s.name,
      stepName: s.name,
      parameters: { of: s.name },
      upstream: s.upstream ?? [],
    })),
  };
}

function artifact(name: string, producerStepId: string, at: string, artifactStoreId = ARTIFACT_STORE_ID): ArtifactRecord {
  const id = randomUUID();
  return {
    id,
    name,
    uri: `/artifacts/${producerStepId}/${name}`,
    materializer: "json",
    dataType: "object",
    contentHash: `sha256:${id.replace(/-/g, "")}`,
    producerStepId,
    artifactStoreId,
    createdAt: at,
  };
}

function completion(stepId: string, at: () => string, extra: Partial<StepCompletion> = {}): StepCompletion {
  return {
    stepId,
    status: "completed",
    cacheReason: "cache disabled for this run",
    cacheKey: "key-1",
    codeHash: "code-1",
    startedAt: at(),
    endedAt: at(),
    durationMs: 12.5,
    inputs: [],
    newArtifacts: [],
    outputs: [],
    ...extra,
  };
}

const produce = step({ name: "produce", run: () => ({ rows: [1, 2, 3] }) });
const count = step({ name: "count", run: (data: { rows: number[] }) => data.rows.length });

/** Registers the conformance tests for the metadata store `makeStore` returns (called once, in `beforeAll`). */
export function describeMetadataStoreConformance(
  name: string,
  makeStore: () => Promise<MetadataStoreFixture>,
  options: MetadataStoreConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const concurrent = options.concurrentSteps ?? 16;

  describe(`metadata store conformance: ${name}`, () => {
    let fixture: MetadataStoreFixture | undefined;
    let store: BaseMetadataStore;
    const suffix = uniqueSuffix();
    const stacks: ConformanceStack[] = [];
    /** A pipeline (and run) name no other test or earlier suite run uses. */
    const unique = (label: string) => `conformance_${label}_${suffix}`;
    const at = clock();

    beforeAll(async () => {
      fixture = await makeStore();
      store = fixture.store;
    }, timeout);

    afterAll(async () => {
      try {
        for (const s of stacks.splice(0)) await s.dispose();
        await fixture?.store.close();
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout);

    it(
      "records a run as running with its pipeline and every step pending, in declared order",
      async () => {
        const pipelineName = unique("record");
        const input = newRun(
          pipelineName,
          unique("record_run"),
          [{ name: "load" }, { name: "train", upstream: ["load"] }, { name: "evaluate", upstream: ["train"] }],
          at(),
        );
        const run = await store.createRun(input);
        expect(run).toMatchObject({
          id: input.id,
          name: input.name,
          pipelineName,
          status: "running",
          stack: input.stack,
          runtimeConfiguration: input.runtimeConfiguration,
          parameters: input.parameters,
          enableCache: true,
          startedAt: input.startedAt,
          zenVersion: input.zenVersion,
        });
        expect(run.endedAt).toBeUndefined();
        expect(run.error).toBeUndefined();
        expect(typeof run.pipelineId).toBe("string");

        const steps = await store.listSteps([run.id]);
        expect(steps.map((s) => [s.name, s.status])).toEqual([
          ["load", "pending"],
          ["train", "pending"],
          ["evaluate", "pending"],
        ]);
        expect(steps[1]).toMatchObject({ id: input.steps[1]!.id, runId: run.id, stepName: "train", parameters: { of: "train" }, upstream: ["load"] });
        expect(steps[1]!.startedAt).toBeUndefined();

        const recorded = await store.getPipeline(pipelineName);
        expect(recorded).toMatchObject({ id: run.pipelineId, name: pipelineName, runCount: 1, lastRunAt: input.startedAt });
        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.getRun(run.name)).toEqual(run);
      },
      timeout,
    );

    it(
      "keeps links of a run (component type → URL), a later link of a type replacing the earlier one (or ignores them all)",
      async () => {
        const run = await store.createRun(newRun(unique("links"), unique("links_run"), [{ name: "only" }], at()));
        expect(Object.keys(run.links ?? {})).toEqual([]);
        await store.addRunLinks(run.id, { experiment_tracker: "http://tracker.invalid/#/runs/1" });
        await store.addRunLinks(run.id, { orchestrator: "http://orchestrator.invalid/runs/a", experiment_tracker: "http://tracker.invalid/#/runs/2" });
        // Keeping links is optional (readers then ask the component): a store that keeps none must not pretend to.
        if (store.addRunLinks === BaseMetadataStore.prototype.addRunLinks) {
          expect(Object.keys((await store.getRun(run.name))?.links ?? {})).toEqual([]);
          return;
        }
        const expected = { experiment_tracker: "http://tracker.invalid/#/runs/2", orchestrator: "http://orchestrator.invalid/runs/a" };
        expect((await store.getRun(run.name))?.links).toEqual(expected);
        expect((await store.listRuns({ pipelineName: run.pipelineName }))[0]?.links).toEqual(expected);
      },
      timeout,
    );

    it(
      "keeps a released run running (its recording process left it to an orchestrator), and ends it later",
      async () => {
        const run = await store.createRun(newRun(unique("released"), unique("released_run"), [{ name: "only" }], at()));
        await store.releaseRun(run.id);
        expect((await store.getRun(run.id))?.status).toBe("running");
        expect((await store.listSteps([run.id])).map((s) => s.status)).toEqual(["pending"]);
        await store.finishRun(run.id, { status: "cancelled", endedAt: at(), durationMs: 1, unfinishedSteps: { pending: "cancelled", running: "cancelled" } });
        await store.releaseRun(run.id);
        expect((await store.getRun(run.id))?.status).toBe("cancelled");
      },
      timeout,
    );

    it(
      "refuses a second run with the same name and records nothing of it",
      async () => {
        const pipelineName = unique("dup");
        const first = newRun(pipelineName, unique("dup_run"), [{ name: "only" }], at());
        await store.createRun(first);
        const second = newRun(unique("dup_other"), first.name, [{ name: "only" }], at());
        await expectRejection(store.createRun(second), "ZEN_CONFLICT", { mentions: first.name });
        expect(await store.getRun(second.id)).toBeUndefined();
        expect(await store.listSteps([second.id])).toEqual([]);
        expect(await store.countRuns(pipelineName)).toBe(1);
        expect((await store.getRun(first.name))?.id).toBe(first.id);
      },
      timeout,
    );

    it(
      "moves a step from pending to running to its outcome exactly once",
      async () => {
        const run = await store.createRun(newRun(unique("lifecycle"), unique("lifecycle_run"), [{ name: "a" }], at()));
        const stepId = (await store.listSteps([run.id]))[0]!.id;
        const startedAt = at();
        expect(await store.markStepRunning(stepId, startedAt)).toBe(true);
        expect(await store.markStepRunning(stepId, at())).toBe(false);
        const running = (await store.listSteps([run.id]))[0]!;
        expect(running).toMatchObject({ status: "running", startedAt });

        const done = completion(stepId, at, { startedAt });
        expect(await store.completeStep(done)).toBe(true);
        expect(await store.completeStep({ ...done, status: "failed", error: "late" })).toBe(false);
        expect(await store.markStepRunning(stepId, at())).toBe(false);
        expect((await store.listSteps([run.id]))[0]).toMatchObject({
          status: "completed",
          cacheReason: done.cacheReason,
          cacheKey: done.cacheKey,
          codeHash: done.codeHash,
          startedAt: done.startedAt,
          endedAt: done.endedAt,
          durationMs: done.durationMs,
        });
        expect((await store.listSteps([run.id]))[0]!.error).toBeUndefined();
      },
      timeout,
    );

    it(
      "records artifacts with their producers, step inputs and outputs, and consumers (lineage)",
      async () => {
        const run = await store.createRun(newRun(unique("lineage"), unique("lineage_run"), [{ name: "make" }, { name: "use", upstream: ["make"] }], at()));
        const [make, use] = await store.listSteps([run.id]);
        const made = artifact("output", make!.id, at());
        const extra = artifact("report", make!.id, at());
        await store.completeStep(
          completion(make!.id, at, {
            newArtifacts: [made, extra],
            outputs: [
              { name: "output", artifactId: made.id },
              { name: "report", artifactId: extra.id },
            ],
          }),
        );
        const used = artifact("output", use!.id, at());
        await store.completeStep(
          completion(use!.id, at, {
            inputs: [{ name: "data", artifactId: made.id }],
            newArtifacts: [used],
            outputs: [{ name: "output", artifactId: used.id }],
          }),
        );

        const byId = (list: ArtifactRecord[]) => Object.fromEntries(list.map((a) => [a.id, a]));
        expect(byId(await store.getArtifacts([made.id, extra.id, used.id, randomUUID()]))).toEqual(byId([made, extra, used]));
        const links = await store.listStepLinks([make!.id, use!.id]);
        const sortLinks = (l: { stepId: string; name: string; artifactId: string }[]) =>
          [...l].sort((a, b) => `${a.stepId}${a.name}`.localeCompare(`${b.stepId}${b.name}`));
        expect(sortLinks(links.inputs)).toEqual([{ stepId: use!.id, name: "data", artifactId: made.id }]);
        expect(sortLinks(links.outputs)).toEqual(
          sortLinks([
            { stepId: make!.id, name: "output", artifactId: made.id },
            { stepId: make!.id, name: "report", artifactId: extra.id },
            { stepId: use!.id, name: "output", artifactId: used.id },
          ]),
        );
        expect(await store.listConsumers(made.id)).toEqual([{ stepId: use!.id, name: "data", artifactId: made.id }]);
        expect(await store.listConsumers(used.id)).toEqual([]);
      },
      timeout,
    );

    it(
      "finishes a run and settles every step still pending or running",
      async () => {
        const failed = await store.createRun(newRun(unique("finish"), unique("finish_failed"), [{ name: "a" }, { name: "b" }, { name: "c" }], at()));
        const [a, b, c] = await store.listSteps([failed.id]);
        await store.completeStep(completion(a!.id, at, { status: "failed", error: "RangeError: too high" }));
        await store.markStepRunning(b!.id, at());
        const endedAt = at();
        await store.finishRun(failed.id, {
          status: "failed",
          endedAt,
          durationMs: 321,
          error: "step 'a' failed",
          unfinishedSteps: { pending: "skipped", running: "failed" },
        });
        expect(await store.getRun(failed.id)).toMatchObject({ status: "failed", endedAt, durationMs: 321, error: "step 'a' failed" });
        const settled = await store.listSteps([failed.id]);
        expect(settled.map((s) => [s.name, s.status])).toEqual([
          ["a", "failed"],
          ["b", "failed"],
          ["c", "skipped"],
        ]);
        expect(settled[0]!.error).toBe("RangeError: too high");
        // A step the run already settled can no longer be completed.
        expect(await store.completeStep(completion(c!.id, at))).toBe(false);

        const cancelled = await store.createRun(newRun(unique("finish"), unique("finish_cancelled"), [{ name: "x" }, { name: "y" }], at()));
        const [x] = await store.listSteps([cancelled.id]);
        await store.markStepRunning(x!.id, at());
        await store.finishRun(cancelled.id, {
          status: "cancelled",
          endedAt: at(),
          durationMs: 5,
          unfinishedSteps: { pending: "cancelled", running: "cancelled" },
        });
        expect((await store.getRun(cancelled.id))?.status).toBe("cancelled");
        expect((await store.listSteps([cancelled.id])).map((s) => s.status)).toEqual(["cancelled", "cancelled"]);
        expect(await store.markStepRunning(x!.id, at())).toBe(false);
      },
      timeout,
    );

    it(
      "finds the newest completed execution by cache key and artifact store, and the latest execution",
      async () => {
        const pipelineName = unique("cache");
        const stepRun = async (runLabel: string, status: "completed" | "cached" | "failed", cacheKey: string, storeId = ARTIFACT_STORE_ID) => {
          const run = await store.createRun(newRun(pipelineName, unique(runLabel), [{ name: "train" }], at()));
          const [train] = await store.listSteps([run.id]);
          const out = artifact("model", train!.id, at(), storeId);
          await store.completeStep(
            completion(train!.id, at, {
              status,
              cacheKey,
              ...(status === "failed" ? { error: "boom" } : { newArtifacts: [out], outputs: [{ name: "model", artifactId: out.id }] }),
            }),
          );
          await store.finishRun(run.id, {
            status: status === "failed" ? "failed" : "completed",
            endedAt: at(),
            durationMs: 1,
            unfinishedSteps: { pending: "skipped", running: "failed" },
          });
          return { run, train: train!, out };
        };
        const query = { pipelineName, stepName: "train", artifactStoreId: ARTIFACT_STORE_ID };
        expect(await store.findCachedExecution({ ...query, cacheKey: "k1" })).toBeUndefined();
        expect(await store.latestExecution({ pipelineName, stepName: "train" })).toBeUndefined();

        await stepRun("cache_old", "completed", "k1");
        const newer = await stepRun("cache_new", "completed", "k1");
        await stepRun("cache_failed", "failed", "k1");
        await stepRun("cache_elsewhere", "completed", "k1", "another-artifact-store");
        const hit = await store.findCachedExecution({ ...query, cacheKey: "k1" });
        expect(hit?.step.id).toBe(newer.train.id);
        expect(hit?.runName).toBe(newer.run.name);
        expect(hit?.outputs).toEqual({ model: newer.out });
        expect(hit?.inputs).toEqual({});
        expect(await store.findCachedExecution({ ...query, cacheKey: "k2" })).toBeUndefined();
        expect(await store.findCachedExecution({ ...query, cacheKey: "k1", stepName: "other" })).toBeUndefined();

        // `cached` steps are never cache sources, but they are the latest execution.
        const reused = await stepRun("cache_reused", "cached", "k1");
        expect((await store.findCachedExecution({ ...query, cacheKey: "k1" }))?.step.id).not.toBe(reused.train.id);
        expect((await store.latestExecution({ pipelineName, stepName: "train" }))?.step.id).toBe(reused.train.id);
      },
      timeout,
    );

    it(
      "lists pipelines and runs newest first, by pipeline, with limit and offset, and counts them",
      async () => {
        const first = unique("listing_a");
        const second = unique("listing_b");
        const names: string[] = [];
        for (let i = 0; i < 3; i++) {
          const run = await store.createRun(newRun(first, unique(`listing_a_${i}`), [{ name: "s" }], at()));
          names.push(run.name);
        }
        const other = await store.createRun(newRun(second, unique("listing_b_0"), [{ name: "s" }], at()));

        expect((await store.listRuns({ pipelineName: first })).map((r) => r.name)).toEqual([...names].reverse());
        expect((await store.listRuns({ pipelineName: first, limit: 2 })).map((r) => r.name)).toEqual([names[2], names[1]]);
        expect((await store.listRuns({ pipelineName: first, limit: 2, offset: 1 })).map((r) => r.name)).toEqual([names[1], names[0]]);
        expect((await store.listRuns({ limit: 2 })).map((r) => r.name)).toEqual([other.name, names[2]]);
        expect(await store.listRuns({ pipelineName: unique("listing_none") })).toEqual([]);
        expect(await store.countRuns(first)).toBe(3);
        expect(await store.countRuns(unique("listing_none"))).toBe(0);
        expect(await store.countRuns()).toBeGreaterThanOrEqual(4);

        const pipelines = (await store.listPipelines()).filter((p) => p.name === first || p.name === second);
        expect(pipelines.map((p) => [p.name, p.runCount])).toEqual([
          [first, 3],
          [second, 1],
        ]);
        expect(await store.getPipeline(unique("listing_none"))).toBeUndefined();
        expect(await store.getRun(unique("no_such_run"))).toBeUndefined();
        expect(await store.getRun(randomUUID())).toBeUndefined();
      },
      timeout,
    );

    it(
      "pages runs newest first by run id, filtered by pipeline, status and stack, with the number that match",
      async () => {
        const pipelineName = unique("paging");
        const [stackA, stackB] = [unique("paging_stack_a"), unique("paging_stack_b")];
        // Oldest first: statuses and stacks to filter on (index 7 stays running).
        const plan: ["completed" | "failed" | "cancelled" | "running", string][] = [
          ["completed", stackA],
          ["failed", stackB],
          ["completed", stackA],
          ["cancelled", stackA],
          ["completed", stackB],
          ["failed", stackA],
          ["completed", stackA],
          ["running", stackB],
        ];
        const ids: string[] = [];
        for (const [i, [status, stackName]] of plan.entries()) {
          const input = newRun(pipelineName, unique(`paging_${i}`), [{ name: "s" }], at());
          input.stack = { ...input.stack, name: stackName };
          const run = await store.createRun(input);
          ids.push(run.id);
          if (status !== "running") {
            await store.finishRun(run.id, { status, endedAt: at(), durationMs: 1, unfinishedSteps: { pending: "skipped", running: "failed" } });
          }
        }
        const newest = [...ids].reverse();
        const page = (query: Omit<RunPageQuery, "pipelineName">) => store.queryRuns({ pipelineName, ...query });
        const idsOf = (p: RunPage) => p.runs.map((r) => r.id);

        const first = await page({ limit: 3 });
        expect(idsOf(first)).toEqual(newest.slice(0, 3));
        expect(first).toMatchObject({ total: 8, hasOlder: true, hasNewer: false });
        expect(first.runs[0]).toMatchObject({ pipelineName, status: "running", stack: { name: stackB } });
        const second = await page({ limit: 3, before: first.runs.at(-1)!.id });
        expect(idsOf(second)).toEqual(newest.slice(3, 6));
        expect(second).toMatchObject({ total: 8, hasOlder: true, hasNewer: true });
        const last = await page({ limit: 3, before: second.runs.at(-1)!.id });
        expect(idsOf(last)).toEqual(newest.slice(6));
        expect(last).toMatchObject({ hasOlder: false, hasNewer: true });
        expect(idsOf(await page({ limit: 3, after: second.runs[0]!.id }))).toEqual(idsOf(first));
        expect(idsOf(await page({ limit: 2, after: last.runs[0]!.id }))).toEqual(newest.slice(4, 6));
        expect(await page({ limit: 3, after: newest[0] })).toMatchObject({ runs: [], total: 8, hasOlder: true, hasNewer: false });
        expect(await page({ limit: 3, before: ids[0] })).toMatchObject({ runs: [], total: 8, hasOlder: false, hasNewer: true });
        expect(await page({ limit: 3, before: randomUUID() })).toMatchObject({ runs: [], hasOlder: false, hasNewer: false });

        const completed = await page({ status: "completed", limit: 10 });
        expect(idsOf(completed)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
        expect(completed).toMatchObject({ total: 4, hasOlder: false, hasNewer: false });
        expect(idsOf(await page({ status: "failed", limit: 10 }))).toEqual([ids[5], ids[1]]);
        expect(idsOf(await page({ status: "running", limit: 10 }))).toEqual([ids[7]]);
        expect(idsOf(await page({ status: "cancelled", limit: 10 }))).toEqual([ids[3]]);
        // The cursor run need not match the filters: the page starts just older than it.
        const afterCursor = await page({ status: "completed", limit: 1, before: ids[5] });
        expect(afterCursor).toMatchObject({ total: 4, hasOlder: true, hasNewer: true });
        expect(idsOf(afterCursor)).toEqual([ids[4]]);

        const onB = await store.queryRuns({ stackName: stackB, limit: 10 });
        expect(idsOf(onB)).toEqual([ids[7], ids[4], ids[1]]);
        expect(onB.total).toBe(3);
        const both = await page({ stackName: stackA, status: "completed", limit: 2 });
        expect(idsOf(both)).toEqual([ids[6], ids[2]]);
        expect(both).toMatchObject({ total: 3, hasOlder: true });
        expect(await page({ stackName: unique("paging_stack_none"), limit: 5 })).toEqual({ runs: [], total: 0, hasOlder: false, hasNewer: false });
        expect(await store.queryRuns({ pipelineName: unique("paging_none"), limit: 5 })).toMatchObject({ runs: [], total: 0 });
        // Pages hold the same records as the other queries.
        expect(first.runs[1]).toEqual(await store.getRun(first.runs[1]!.id));

        await expectRejection(page({ limit: 0 }), "ZEN_INVALID");
        await expectRejection(page({ limit: 3, before: ids[1], after: ids[2] }), "ZEN_INVALID");
      },
      timeout,
    );

    it(
      `keeps all of ${concurrent} steps completed at the same time`,
      async () => {
        const steps = Array.from({ length: concurrent }, (_, i) => ({ name: `s${i}` }));
        const run = await store.createRun(newRun(unique("concurrent"), unique("concurrent_run"), steps, at()));
        const recorded = await store.listSteps([run.id]);
        const outcomes = await Promise.all(
          recorded.map(async (s) => {
            await store.markStepRunning(s.id, at());
            const out = artifact("output", s.id, at());
            return store.completeStep(completion(s.id, at, { newArtifacts: [out], outputs: [{ name: "output", artifactId: out.id }] }));
          }),
        );
        expect(outcomes.every(Boolean)).toBe(true);
        expect((await store.listSteps([run.id])).every((s) => s.status === "completed")).toBe(true);
        expect((await store.listStepLinks(recorded.map((s) => s.id))).outputs).toHaveLength(concurrent);
      },
      timeout,
    );

    it(
      "reopens after close()",
      async () => {
        const run = await store.createRun(newRun(unique("reopen"), unique("reopen_run"), [{ name: "a" }], at()));
        await store.close();
        expect((await store.getRun(run.name))?.id).toBe(run.id);
      },
      timeout,
    );

    it(
      "records a real pipeline run that the post-execution API reads back",
      async () => {
        const made = conformanceStack({ name: "conformance", metadataStore: store });
        stacks.push(made);
        const flow = pipeline(unique("pipeline"), () => {
          count(produce());
        });
        const view = await flow.run({ stack: made.stack, runName: unique("pipeline_run"), onEvent: false, handleSignals: false });
        expect(view.status).toBe("completed");
        expect(view.steps.map((s) => [s.name, s.status])).toEqual([
          ["produce", "completed"],
          ["count", "completed"],
        ]);
        expect(await view.getStep("count").output.read()).toBe(3);
        expect(Object.keys(view.getStep("count").inputs)).toHaveLength(1);

        const again = await flow.run({ stack: made.stack, runName: unique("pipeline_again"), onEvent: false, handleSignals: false });
        expect(again.steps.map((s) => s.status)).toEqual(["cached", "cached"]);
        expect(await again.getStep("count").output.read()).toBe(3);
      },
      timeout,
    );
  });
}
