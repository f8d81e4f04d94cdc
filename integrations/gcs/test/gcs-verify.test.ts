/**
 * Verification of a `gcs` artifact store against fake-gcs-server: the probe round trip, a missing
 * bucket, an unreachable endpoint and an endpoint that never answers, each one clear ZenError.
 * (The emulator checks no credentials, so rejected credentials are covered for S3 only.)
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import net from "node:net";
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { verifyArtifactStore } from "@zen/core/verify";
import { requireGcs, uniqueBucketName, type GcsService } from "../../../scripts/services/service-env.ts";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";

async function failure(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error("expected a failure");
}

describe("verifying a gcs artifact store", () => {
  let gcs: GcsService;
  let bucket: string;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  const store = (config: Record<string, unknown> = {}, name = "gcs_check") =>
    new GcsArtifactStore({
      id: name,
      name,
      flavor: "gcs",
      config: { path: `gs://${bucket}/zen`, api_endpoint: gcs.endpoint, project: gcs.projectId, ...config },
      configDir: "/nonexistent",
    });

  beforeAll(async () => {
    gcs = await requireGcs();
    bucket = uniqueBucketName("zen-verify");
    await store().storage.createBucket(bucket);
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await store().remove(`gs://${bucket}`, { recursive: true });
    await store().storage.bucket(bucket).delete();
  });

  it("writes, reads back and deletes a probe object, leaving nothing behind", async () => {
    const checked = store();
    const result = await verifyArtifactStore(checked, { timeoutMs: 10_000 });
    expect(result.steps.map((s) => s.name)).toEqual(["write", "read", "delete"]);
    expect(await checked.exists(result.probe)).toBe(false);
    expect(await checked.exists(`gs://${bucket}/zen/.zen-verify`)).toBe(false);
  });

  it("names a missing bucket", async () => {
    const error = await failure(verifyArtifactStore(store({ path: "gs://zen-no-such-bucket/zen" }, "gcs_nobucket"), { timeoutMs: 10_000 }));
    expect(error).toEqual({ code: STORE_ERROR_CODES.bucketNotFound, message: "The GCS bucket 'zen-no-such-bucket' of artifact store 'gcs_nobucket' does not exist." });
  });

  it("says the endpoint is unreachable, within seconds", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const started = Date.now();
    const error = await failure(verifyArtifactStore(store({ api_endpoint: `http://127.0.0.1:${port}` }, "gcs_down"), { timeoutMs: 30_000 }));
    expect(error).toEqual({ code: STORE_ERROR_CODES.unreachable, message: `Artifact store 'gcs_down' cannot reach the GCS endpoint http://127.0.0.1:${port} (ECONNREFUSED).` });
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it("gives up on an endpoint that never answers when the time is up", async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const error = await failure(verifyArtifactStore(store({ api_endpoint: `http://127.0.0.1:${port}` }, "gcs_silent"), { timeoutMs: 1_500 }));
    expect(error).toEqual({ code: STORE_ERROR_CODES.timeout, message: "The artifact store 'gcs_silent' did not write a probe object within 2 s." });
  });
});
