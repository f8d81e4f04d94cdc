/**
 * Step logs on an `s3` artifact store (versitygw): two steps printing at the same time each get their
 * own log object next to their outputs, a running step's log is already readable while it runs, and a
 * failed step's log is kept with its error, read back through `PipelineRepository`.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { PipelineRepository, PipelineRunError, createLocalStack, pipeline, step } from "@zen/core";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { s3TestBucket, type S3TestBucket } from "./s3-test-bucket.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tick = step({
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
const tock = step({
  name: "tock",
  run: async () => {
    for (let i = 0; i < 3; i++) {
      process.stderr.write(`tock ${i}\n`);
      await sleep(20);
    }
    throw new Error("tock broke");
  },
});

describe("step logs on an s3 artifact store", () => {
  let bucket: S3TestBucket;
  beforeAll(async () => {
    bucket = await s3TestBucket("zen-logs");
  }, 60_000);
  afterAll(() => bucket?.dispose());

  it("keeps each step's log as its own object, live while it runs and after a failure", async () => {
    const store = bucket.store();
    const local = createLocalStack({ root: makeTempDir("zen-s3-logs-") });
    const stack = { ...local, artifactStore: store, components: { ...local.components, artifact_store: store } };
    const flow = pipeline("s3_logs", () => {
      tick();
      tock();
    });
    const error = await rejectionOf(flow.run({ stack, onEvent: false, runName: "s3-logs-1" }));
    expect(error).toBeInstanceOf(PipelineRunError);

    const run = await PipelineRepository.forStack(stack).getRun("s3-logs-1");
    expect(await run.getStep("tick").logs()).toBe('tick 1\ntick 2 (saved so far: "tick 1\\n")\n');
    const tockLogs = await run.getStep("tock").logs();
    expect(tockLogs.startsWith("tock 0\ntock 1\ntock 2\n[zen: the step failed] Error: tock broke\n")).toBe(true);

    const listed = await store.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: "zen/s3_logs/" }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).filter((k) => k?.includes("/logs/"));
    expect(keys.sort()).toEqual([`zen/s3_logs/tick/logs/${run.getStep("tick").id}.txt`, `zen/s3_logs/tock/logs/${run.getStep("tock").id}.txt`].sort());
    await local.metadataStore.close();
  }, 60_000);
});
