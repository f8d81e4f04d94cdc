/**
 * Reads that survive a dropped connection: through a proxy that cuts the download halfway, the
 * `gcs` store asks for the rest from the offset reached (pinned to the generation first read) and
 * the reader gets every byte once; when the cuts keep coming, the reader gets the store's
 * "unreachable" error after the retries, not a raw socket error. The GCS library reports nothing
 * when a connection is cut mid-body (the read would hang for good): the store's stall guard notices.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { rejectionOf, startTcpProxy, type TcpProxy } from "@zen/test-utils";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";
import { gcsTestBucket, type GcsTestBucket } from "./gcs-test-bucket.ts";

const MiB = 1024 * 1024;
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function readAll(store: GcsArtifactStore, uri: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.openRead(uri)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("a gcs read cut off halfway", () => {
  let fixture: GcsTestBucket;
  let proxy: TcpProxy;
  let store: GcsArtifactStore;
  const data = randomBytes(8 * MiB);
  let uri: string;

  const stallMs = GcsArtifactStore.readStallMs;
  beforeAll(async () => {
    GcsArtifactStore.readStallMs = 1_000;
    fixture = await gcsTestBucket("zen-resume");
    const endpoint = new URL(fixture.gcs.endpoint);
    proxy = await startTcpProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
    store = fixture.store({ api_endpoint: `http://127.0.0.1:${proxy.port}` }, "gcs_resume");
    uri = `gs://${fixture.bucket}/zen/big.bin`;
    await fixture.store().writeBytes(uri, data);
  });

  afterAll(async () => {
    GcsArtifactStore.readStallMs = stallMs;
    await proxy?.close();
    await fixture?.dispose();
  });

  it("resumes from the offset reached and delivers every byte once", async () => {
    proxy.cutConnections(3 * MiB, 2);
    const read = await readAll(store, uri);
    expect(proxy.cuts).toBe(2);
    expect(read.length).toBe(data.length);
    expect(sha(read)).toBe(sha(data));
  });

  it("gives up after its retries with the store's unreachable error", async () => {
    proxy.cutConnections(256 * 1024, GcsArtifactStore.readRetries + 5);
    const error = await rejectionOf(readAll(store, uri));
    // One cut per attempt at least (the library may retry a cut request of its own too).
    expect(proxy.cuts).toBeGreaterThanOrEqual(2 + GcsArtifactStore.readRetries + 1);
    expect([STORE_ERROR_CODES.unreachable, STORE_ERROR_CODES.timeout]).toContain(error.code);
    expect(error.message).toContain("gcs_resume");
    proxy.cutConnections(0, 0);
  });
});
