// A 1 GiB artifact through the `s3` flavor (built dist) versus the raw AWS SDK on the same server:
// `@aws-sdk/lib-storage` `Upload` for writes, a streamed `GetObject` for reads. Each transfer runs in
// its own process so its peak RSS is its own. Each round writes the object once each way and reads it
// three times each way, raw and zen back to back (which goes first alternates); a ratio is the median
// of these pairs' own ratios, so a machine that slows down or speeds up between transfers (two cores
// shared with the server) moves both sides of a pair alike.
// Needs the test servers: `bash scripts/services/start.sh`. Size: ZEN_BENCH_S3_MB (default 1024).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MiB = 1024 * 1024;
const size = Number(process.env.ZEN_BENCH_S3_MB ?? 1024) * MiB;
const rounds = Number(process.env.ZEN_BENCH_ROUNDS ?? 7);
// Reads take a second and swing ±15 % from one to the next here: each round reads both objects three times.
const readsPerRound = 3;

function serviceEnv() {
  let text = "";
  try {
    text = readFileSync(join(root, ".services/env"), "utf8");
  } catch {
    throw new Error("No .services/env: start the test servers first with `bash scripts/services/start.sh`.");
  }
  return Object.fromEntries(text.split("\n").flatMap((l) => (/^[A-Z0-9_]+=/.test(l) ? [[l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]] : [])));
}

// ── one transfer, in a child process ─────────────────────────────────────────
async function child(kind, bucket, key) {
  const env = serviceEnv();
  const s3Require = createRequire(join(root, "integrations/s3/package.json"));
  const load = (name) => import(pathToFileURL(s3Require.resolve(name)).href);
  const { S3ArtifactStore } = await import(pathToFileURL(join(root, "integrations/s3/dist/s3-artifact-store.js")).href);
  const { Readable, Writable } = await import("node:stream");
  const { pipeline } = await import("node:stream/promises");
  const config = {
    path: `s3://${bucket}/bench`,
    endpoint_url: env.ZEN_S3_ENDPOINT,
    region: env.ZEN_S3_REGION,
    access_key_id: env.ZEN_S3_ACCESS_KEY_ID,
    secret_access_key: env.ZEN_S3_SECRET_ACCESS_KEY,
  };
  const seed = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i++) seed[i] = (i * 2654435761) >>> 24;
  async function* data() {
    for (let offset = 0, index = 0; offset < size; offset += MiB, index++) {
      const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, size - offset)));
      chunk.writeBigUInt64BE(BigInt(index), 0);
      yield chunk;
    }
  }
  const sink = () => {
    let bytes = 0;
    const writable = new Writable({
      write(chunk, _e, callback) {
        bytes += chunk.length;
        callback();
      },
    });
    return { writable, bytes: () => bytes };
  };

  const started = performance.now();
  let bytes = size;
  if (kind === "zen-write" || kind === "zen-read") {
    const store = new S3ArtifactStore({ id: "bench", name: "bench", flavor: "s3", config, configDir: root });
    const uri = `s3://${bucket}/${key}`;
    if (kind === "zen-write") await pipeline(Readable.from(data(), { highWaterMark: 2 }), await store.openWrite(uri));
    else {
      const out = sink();
      await pipeline(await store.openRead(uri), out.writable);
      bytes = out.bytes();
    }
    store.client.destroy();
  } else {
    const { S3Client, GetObjectCommand } = await load("@aws-sdk/client-s3");
    const { Upload } = await load("@aws-sdk/lib-storage");
    const client = new S3Client({
      endpoint: config.endpoint_url,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.access_key_id, secretAccessKey: config.secret_access_key },
    });
    if (kind === "raw-write") {
      await new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: Readable.from(data(), { highWaterMark: 2 }) },
        partSize: S3ArtifactStore.partSize,
        queueSize: S3ArtifactStore.queueSize,
      }).done();
    } else {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const out = sink();
      await pipeline(response.Body, out.writable);
      bytes = out.bytes();
    }
    client.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  if (bytes !== size) throw new Error(`${kind}: moved ${bytes} bytes, expected ${size}`);
  process.stdout.write(`${JSON.stringify({ kind, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

// ── the driver ───────────────────────────────────────────────────────────────
async function main() {
  const env = serviceEnv();
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const s3Require = createRequire(join(root, "integrations/s3/package.json"));
  const { S3Client, CreateBucketCommand, DeleteObjectCommand, DeleteBucketCommand } = await import(pathToFileURL(s3Require.resolve("@aws-sdk/client-s3")).href);
  const { S3ArtifactStore } = await import(pathToFileURL(join(root, "integrations/s3/dist/s3-artifact-store.js")).href).catch(() => {
    throw new Error("integrations/s3/dist is missing: build first (`pnpm build`).");
  });
  const client = new S3Client({
    endpoint: env.ZEN_S3_ENDPOINT,
    region: env.ZEN_S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.ZEN_S3_ACCESS_KEY_ID, secretAccessKey: env.ZEN_S3_SECRET_ACCESS_KEY },
  });
  const bucket = `zen-bench-${process.pid}-${Date.now().toString(36)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const results = { "raw-write": [], "zen-write": [], "raw-read": [], "zen-read": [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [phase, pair] of [["write", 0], ...Array.from({ length: readsPerRound }, (_, pair) => ["read", pair])]) {
        const order = (round + pair) % 2 === 0 ? ["raw", "zen"] : ["zen", "raw"];
        for (const who of order) {
          const kind = `${who}-${phase}`;
          const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", kind, bucket, `${who}.bin`], {
            encoding: "utf8",
            env: process.env,
          });
          if (run.status !== 0) throw new Error(`${kind} failed:\n${run.stderr}`);
          results[kind].push(JSON.parse(run.stdout.trim().split("\n").pop()));
        }
      }
    }
  } finally {
    for (const key of ["raw.bin", "zen.bin"]) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    client.destroy();
  }

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const mbps = (kind) => size / MiB / median(results[kind].map((r) => r.seconds));
  // zen's throughput over the raw SDK's, pair by pair.
  const pairRatios = (phase) => results[`zen-${phase}`].map((zen, pair) => results[`raw-${phase}`][pair].seconds / zen.seconds);
  const peak = (kind) => {
    const values = results[kind].map((r) => r.maxRssMB);
    return `${median(values).toFixed(0)} (max ${Math.max(...values).toFixed(0)})`;
  };
  console.log(
    `s3 throughput: ${size / MiB} MiB to versitygw at ${env.ZEN_S3_ENDPOINT}, medians of ${rounds} rounds ` +
      `(reads: ${readsPerRound} pairs a round; ratio: the median of the pairs'), ` +
      `parts of ${S3ArtifactStore.partSize / MiB} MiB × ${S3ArtifactStore.queueSize} in flight (both sides)`,
  );
  console.log("| transfer | raw SDK MiB/s | s3 flavor MiB/s | ratio | raw peak RSS MB, median (max) | flavor peak RSS MB, median (max) |");
  console.log("|---|---|---|---|---|---|");
  for (const phase of ["write", "read"]) {
    const raw = mbps(`raw-${phase}`);
    const zen = mbps(`zen-${phase}`);
    console.log(
      `| ${phase} | ${raw.toFixed(0)} | ${zen.toFixed(0)} | ${median(pairRatios(phase)).toFixed(2)}× | ${peak(`raw-${phase}`)} | ${peak(`zen-${phase}`)} |`,
    );
  }
  for (const phase of ["write", "read"])
    console.log(
      `${phase} ratio by pair: ${pairRatios(phase)
        .map((r) => r.toFixed(2))
        .join(" ")}`,
    );
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
