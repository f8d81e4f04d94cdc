/**
 * Verification of a `gcs` artifact store against fake-gcs-server: the probe round trip, a missing
 * bucket, an unreachable endpoint and an endpoint that never answers, each one clear ZenError.
 * (The emulator checks no credentials, so rejected credentials are covered for S3 only.)
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { verifyArtifactStore } from "@zen/core/verify";
import { closedPort, rejectionOf, silentServer, type SilentServer } from "@zen/test-utils";
import { gcsTestBucket, type GcsTestBucket } from "./gcs-test-bucket.ts";

describe("verifying a gcs artifact store", () => {
  let fixture: GcsTestBucket;
  let bucket: string;
  let silent: SilentServer;
  const store = (config: Record<string, unknown> = {}, name = "gcs_check") => fixture.store(config, name);

  beforeAll(async () => {
    fixture = await gcsTestBucket("zen-verify");
    bucket = fixture.bucket;
    silent = await silentServer();
  });

  afterAll(async () => {
    await silent?.close();
    await fixture?.dispose();
  });

  it("writes, reads back and deletes a probe object, leaving nothing behind", async () => {
    const checked = store();
    const result = await verifyArtifactStore(checked, { timeoutMs: 10_000 });
    expect(result.steps.map((s) => s.name)).toEqual(["write", "read", "delete"]);
    expect(await checked.exists(result.probe)).toBe(false);
    expect(await checked.exists(`gs://${bucket}/zen/.zen-verify`)).toBe(false);
  });

  it("names a missing bucket", async () => {
    const error = await rejectionOf(verifyArtifactStore(store({ path: "gs://zen-no-such-bucket/zen" }, "gcs_nobucket"), { timeoutMs: 10_000 }));
    expect(error).toMatchObject({
      code: STORE_ERROR_CODES.bucketNotFound,
      message: "The GCS bucket 'zen-no-such-bucket' of artifact store 'gcs_nobucket' does not exist.",
    });
  });

  it("says the endpoint is unreachable, within seconds", async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await rejectionOf(verifyArtifactStore(store({ api_endpoint: `http://127.0.0.1:${port}` }, "gcs_down"), { timeoutMs: 30_000 }));
    expect(error).toMatchObject({
      code: STORE_ERROR_CODES.unreachable,
      message: `Artifact store 'gcs_down' cannot reach the GCS endpoint http://127.0.0.1:${port} (ECONNREFUSED).`,
    });
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it("gives up on an endpoint that never answers when the time is up", async () => {
    const { port } = silent;
    const error = await rejectionOf(verifyArtifactStore(store({ api_endpoint: `http://127.0.0.1:${port}` }, "gcs_silent"), { timeoutMs: 1_500 }));
    expect(error).toMatchObject({ code: STORE_ERROR_CODES.timeout, message: "The artifact store 'gcs_silent' did not write a probe object within 2 s." });
  });
});
