/**
 * The `s3` flavor: its config schema (paths, secret fields), the SDK client settings it derives,
 * that the AWS SDK loads only with the implementation, and the paths through real S3 (versitygw)
 * that the conformance suite does not reach: when_required checksums, multipart copy, and a
 * download that resumes after the connection drops.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { resolvedImports } from "@zen/test-utils";
import { z } from "zod";
import { s3ArtifactStore, s3ArtifactStoreConfig, type S3ArtifactStoreConfig } from "../src/flavors.ts";
import { S3ArtifactStore, s3ClientConfig } from "../src/s3-artifact-store.ts";
import { s3TestBucket, type S3TestBucket } from "./s3-test-bucket.ts";

const MiB = 1024 * 1024;
const issues = (value: unknown) => (s3ArtifactStoreConfig.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("s3 flavor config", () => {
  it("is an artifact_store flavor named s3 whose implementation supports s3:// paths", async () => {
    expect(s3ArtifactStore).toMatchObject({ $$type: "@zen/Flavor", type: "artifact_store", name: "s3", apiVersion: 1 });
    const Implementation = await s3ArtifactStore.implementation();
    expect(Implementation).toBe(S3ArtifactStore);
    expect(S3ArtifactStore.supportedSchemes).toEqual(["s3://"]);
  });

  it("refuses a path that is not s3:// with the reason, and a bad bucket name", () => {
    expect(issues({ path: "gs://bucket/x" })).toEqual(["path: must start with s3:// followed by a bucket name, e.g. s3://my-bucket/artifacts"]);
    expect(issues({ path: "/local/dir" })[0]).toMatch(/must start with s3:\/\//);
    expect(issues({ path: "s3://Bad_Bucket/x" })[0]).toMatch(/valid bucket name/);
    expect(issues({ path: "s3://my-bucket" })).toEqual([]);
    expect(issues({ path: "s3://my-bucket/deep/prefix" })).toEqual([]);
  });

  it("takes credentials only as secret references, both keys together", () => {
    expect(issues({ path: "s3://b-1/x", access_key_id: "AKIAIOSFODNN7EXAMPLE", secret_access_key: "{{aws.secret}}" })[0]).toMatch(
      /^access_key_id: must be a secret reference/,
    );
    expect(issues({ path: "s3://b-1/x", access_key_id: "{{aws.id}}" })).toEqual([
      "secret_access_key: access_key_id and secret_access_key must be given together (or neither, for the AWS default chain)",
    ]);
    expect(issues({ path: "s3://b-1/x", access_key_id: "{{aws.id}}", secret_access_key: "{{aws.secret}}", session_token: "{{aws.token}}" })).toEqual([]);
    const schema = z.toJSONSchema(s3ArtifactStoreConfig) as { properties: Record<string, Record<string, unknown>> };
    const secret = Object.entries(schema.properties)
      .filter(([, p]) => p["x-zen-secret"] === true)
      .map(([k]) => k);
    expect(secret.sort()).toEqual(["access_key_id", "secret_access_key", "session_token"]);
  });

  it("derives the client settings: path style for custom endpoints, explicit credentials, checksum modes", () => {
    const custom = s3ClientConfig({
      path: "s3://b-1/x",
      endpoint_url: "http://127.0.0.1:7070",
      access_key_id: "id",
      secret_access_key: "key",
      request_checksum_calculation: "when_required",
      response_checksum_validation: "when_supported",
    });
    expect(custom).toMatchObject({
      endpoint: "http://127.0.0.1:7070",
      forcePathStyle: true,
      credentials: { accessKeyId: "id", secretAccessKey: "key" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_SUPPORTED",
    });
    const aws = s3ClientConfig({ path: "s3://b-1/x", region: "eu-west-1" });
    expect(aws).toMatchObject({ region: "eu-west-1", forcePathStyle: false });
    expect(aws).not.toHaveProperty("credentials");
    expect(aws).not.toHaveProperty("endpoint");
    expect(s3ClientConfig({ path: "s3://b-1/x", endpoint_url: "http://h:1", force_path_style: false }).forcePathStyle).toBe(false);
  });

  it("imports the AWS SDK only when the implementation loads", () => {
    const flavors = JSON.stringify(new URL("../src/flavors.ts", import.meta.url).href);
    const check = (code: string) => resolvedImports({ cwd: fileURLToPath(new URL("..", import.meta.url)), code, matching: "@aws-sdk" });
    expect(check(`const m = await import(${flavors}); if (m.default[0].name !== "s3") process.exit(3);`)).toEqual([]);
    expect(check(`const m = await import(${flavors}); await m.default[0].implementation();`)).toContain("@aws-sdk/client-s3");
  });
});

describe("s3 artifact store on versitygw", () => {
  let fixture: S3TestBucket;
  let bucket: string;
  const makeStore = (config: Partial<S3ArtifactStoreConfig> = {}) => fixture.store(config);

  beforeAll(async () => {
    fixture = await s3TestBucket("zen-s3");
    bucket = fixture.bucket;
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  it("writes multipart and reads back with checksums only when required (S3-compatible services)", async () => {
    const store = makeStore({ request_checksum_calculation: "when_required", response_checksum_validation: "when_required" });
    const big = randomBytes(12 * MiB + 123);
    await store.writeBytes(`s3://${bucket}/zen/when-required/big.bin`, big);
    await store.writeText(`s3://${bucket}/zen/when-required/small.txt`, "small");
    expect((await store.readBytes(`s3://${bucket}/zen/when-required/big.bin`)).equals(big)).toBe(true);
    expect(await store.readText(`s3://${bucket}/zen/when-required/small.txt`)).toBe("small");
  });

  it("grows the part size as parts accumulate, so streams of unknown size fit S3's part limit", async () => {
    const store = makeStore();
    const saved = { size: S3ArtifactStore.partSize, every: S3ArtifactStore.partGrowthEvery };
    S3ArtifactStore.partSize = 5 * MiB;
    S3ArtifactStore.partGrowthEvery = 2; // parts of 5, 5, 10, 10, 20 MiB
    const data = randomBytes(45 * MiB);
    try {
      const writer = await store.openWrite(`s3://${bucket}/zen/grow/data.bin`);
      await pipeline(
        Readable.from(
          (function* () {
            for (let offset = 0; offset < data.length; offset += 256 * 1024) yield data.subarray(offset, offset + 256 * 1024);
          })(),
        ),
        writer,
      );
    } finally {
      S3ArtifactStore.partSize = saved.size;
      S3ArtifactStore.partGrowthEvery = saved.every;
    }
    const head = await store.client.send(new HeadObjectCommand({ Bucket: bucket, Key: "zen/grow/data.bin", PartNumber: 5 }));
    expect(head.PartsCount).toBe(5);
    expect(head.ContentLength).toBe(15 * MiB);
    expect((await store.readBytes(`s3://${bucket}/zen/grow/data.bin`)).equals(data)).toBe(true);
  });

  it("copies objects above the CopyObject limit part by part, server-side", async () => {
    const store = makeStore();
    const data = randomBytes(12 * MiB + 7);
    await store.writeBytes(`s3://${bucket}/zen/mpcopy/src.bin`, data);
    const saved = { threshold: S3ArtifactStore.multipartCopyThreshold, part: S3ArtifactStore.copyPartSize };
    S3ArtifactStore.multipartCopyThreshold = 6 * MiB;
    S3ArtifactStore.copyPartSize = 5 * MiB;
    try {
      await store.copy(`s3://${bucket}/zen/mpcopy/src.bin`, `s3://${bucket}/zen/mpcopy/dst.bin`);
    } finally {
      S3ArtifactStore.multipartCopyThreshold = saved.threshold;
      S3ArtifactStore.copyPartSize = saved.part;
    }
    expect((await store.readBytes(`s3://${bucket}/zen/mpcopy/dst.bin`)).equals(data)).toBe(true);
  });

  it("resumes a download with a ranged GET when the connection drops mid-way", async () => {
    const data = randomBytes(10 * MiB);
    await makeStore().writeBytes(`s3://${bucket}/zen/resume/data.bin`, data);
    const upstream = new URL(fixture.s3.endpoint);
    const requests: string[] = [];
    let cut = false;
    // A proxy that kills the first download after 3 MiB of response.
    const proxy = net.createServer((client) => {
      const server = net.connect(Number(upstream.port), upstream.hostname);
      let downloading = false;
      let sent = 0;
      client.on("data", (chunk: Buffer) => {
        const head = chunk.toString("latin1");
        if (/^GET /.test(head)) {
          requests.push(head.split("\r\n\r\n")[0]!);
          downloading = true;
        }
        server.write(chunk);
      });
      server.on("data", (chunk: Buffer) => {
        sent += chunk.length;
        if (downloading && !cut && sent > 3 * MiB) {
          cut = true;
          client.destroy();
          server.destroy();
          return;
        }
        client.write(chunk);
      });
      client.on("error", () => server.destroy());
      server.on("error", () => client.destroy());
      client.on("close", () => server.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as net.AddressInfo).port;
      const store = makeStore({ endpoint_url: `http://127.0.0.1:${port}` });
      const read = await store.readBytes(`s3://${bucket}/zen/resume/data.bin`);
      expect(cut).toBe(true);
      expect(read.equals(data)).toBe(true);
      const ranged = requests.filter((r) => /\r\nrange: bytes=\d+-/i.test(r));
      expect(ranged).toHaveLength(1);
      expect(ranged[0]).toMatch(/\r\nif-match: /i);
    } finally {
      proxy.close();
    }
  });
});
