/**
 * Verification of an `s3` artifact store against versitygw: a probe object is written, read back
 * and deleted; a missing bucket, rejected credentials, an unreachable endpoint and an endpoint
 * that never answers each give one ZenError with its own code, in bounded time. The check before a
 * run (preparePipelineDeployment) reports the same errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { verifyArtifactStore } from "@zen/core/verify";
import { closedPort, rejectionOf, silentServer, type SilentServer } from "@zen/test-utils";
import { s3TestBucket, type S3TestBucket } from "./s3-test-bucket.ts";

describe("verifying an s3 artifact store", () => {
  let fixture: S3TestBucket;
  let bucket: string;
  let silent: SilentServer;
  const store = (config: Record<string, unknown> = {}, name = "s3_check") => fixture.store(config, name);

  beforeAll(async () => {
    fixture = await s3TestBucket("zen-verify");
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
    expect(result).toMatchObject({ store: "s3_check", flavor: "s3", path: `s3://${bucket}/zen` });
    expect(result.steps.map((s) => s.name)).toEqual(["write", "read", "delete"]);
    expect(result.probe.startsWith(`s3://${bucket}/zen/.zen-verify/`)).toBe(true);
    expect(await checked.exists(result.probe)).toBe(false);
    expect(await checked.exists(`s3://${bucket}/zen/.zen-verify`)).toBe(false);
    await checked.checkAccess(5_000);
  });

  it("names a missing bucket", async () => {
    const missing = store({ path: "s3://zen-no-such-bucket-here/zen" }, "s3_nobucket");
    const error = await rejectionOf(verifyArtifactStore(missing, { timeoutMs: 10_000 }));
    expect(error.code).toBe(STORE_ERROR_CODES.bucketNotFound);
    expect(error.message).toBe("The S3 bucket 'zen-no-such-bucket-here' of artifact store 's3_nobucket' does not exist.");
    expect(await rejectionOf(missing.preparePipelineDeployment({ pipelineName: "p", runName: "r", stackName: "s", runtimeConfiguration: {} }))).toMatchObject({
      code: STORE_ERROR_CODES.bucketNotFound,
    });
  });

  it("says the credentials were rejected", async () => {
    const wrong = store({ secret_access_key: "not-the-secret" }, "s3_badkey");
    const error = await rejectionOf(verifyArtifactStore(wrong, { timeoutMs: 10_000 }));
    expect(error.code).toBe(STORE_ERROR_CODES.credentials);
    expect(error.message).toMatch(/^The S3 service rejected the credentials of artifact store 's3_badkey' \(SignatureDoesNotMatch\)\.$/);
    expect(error.message + String(error.hint)).not.toContain("not-the-secret");
    const unknownKey = store({ access_key_id: "nobody" }, "s3_nobody");
    expect((await rejectionOf(verifyArtifactStore(unknownKey, { timeoutMs: 10_000 }))).code).toBe(STORE_ERROR_CODES.credentials);
  });

  it("says the endpoint is unreachable, within seconds", async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await rejectionOf(verifyArtifactStore(store({ endpoint_url: `http://127.0.0.1:${port}` }, "s3_down"), { timeoutMs: 20_000 }));
    expect(error.code).toBe(STORE_ERROR_CODES.unreachable);
    expect(error.message).toBe(`Artifact store 's3_down' cannot reach the S3 endpoint http://127.0.0.1:${port} (ECONNREFUSED).`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("gives up on an endpoint that never answers when the time is up", async () => {
    const { port } = silent;
    const started = Date.now();
    const error = await rejectionOf(verifyArtifactStore(store({ endpoint_url: `http://127.0.0.1:${port}` }, "s3_silent"), { timeoutMs: 1_500 }));
    expect(error.code).toBe(STORE_ERROR_CODES.timeout);
    expect(error.message).toBe("The artifact store 's3_silent' did not write a probe object within 2 s.");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
