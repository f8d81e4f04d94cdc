/**
 * Reads that survive a dropped connection: through a proxy that cuts the download halfway, the
 * `s3` store asks for the rest from the offset reached (pinned to the same version with If-Match)
 * and the reader gets every byte once; when the cuts keep coming, the reader gets the store's
 * "unreachable" error after the retries, not a raw socket error.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { rejectionOf, startTcpProxy, type TcpProxy } from "@zen/test-utils";
import { S3ArtifactStore } from "../src/s3-artifact-store.ts";
import { s3TestBucket, type S3TestBucket } from "./s3-test-bucket.ts";

const MiB = 1024 * 1024;
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function readAll(store: S3ArtifactStore, uri: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.openRead(uri)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("an s3 read cut off halfway", () => {
  let fixture: S3TestBucket;
  let proxy: TcpProxy;
  let store: S3ArtifactStore;
  const data = randomBytes(8 * MiB);
  let uri: string;

  beforeAll(async () => {
    fixture = await s3TestBucket("zen-resume");
    const endpoint = new URL(fixture.s3.endpoint);
    proxy = await startTcpProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
    store = fixture.store({ endpoint_url: `http://127.0.0.1:${proxy.port}` }, "s3_resume");
    uri = `s3://${fixture.bucket}/zen/big.bin`;
    await fixture.store().writeBytes(uri, data);
  });

  afterAll(async () => {
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
    proxy.cutConnections(256 * 1024, S3ArtifactStore.readRetries + 5);
    const error = await rejectionOf(readAll(store, uri));
    expect(proxy.cuts).toBe(2 + S3ArtifactStore.readRetries + 1);
    expect(error).toMatchObject({ code: STORE_ERROR_CODES.unreachable });
    expect(error.message).toContain("s3_resume");
    proxy.cutConnections(0, 0);
  });
});
