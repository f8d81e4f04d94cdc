import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { S3ArtifactStore } from "/work/main/integrations/s3/src/s3-artifact-store.ts";
const MiB = 1024*1024;
async function* gen(size: number, seed: Buffer) { for (let o=0,i=0;o<size;o+=MiB,i++){ const c=Buffer.from(seed.subarray(0,Math.min(MiB,size-o))); c.writeBigUInt64BE(BigInt(i),0); yield c; } }
async function measure(label: string, f: () => Promise<void>) {
  const base = process.memoryUsage.rss(); let peak = base; const t = setInterval(()=>{peak=Math.max(peak,process.memoryUsage.rss())},10);
  const s = performance.now(); await f(); clearInterval(t);
  console.log(label, "growth MiB", ((peak-base)/MiB).toFixed(1), "time s", ((performance.now()-s)/1000).toFixed(2), "ext", (process.memoryUsage().external/MiB).toFixed(0), "ab", (process.memoryUsage().arrayBuffers/MiB).toFixed(0));
}
const bucket = "memtest-" + Date.now();
const store = new S3ArtifactStore({ id: "x", name: "x", flavor: "s3", configDir: "/x", config: { path: `s3://${bucket}/p`, endpoint_url: "http://127.0.0.1:7070", region: "us-east-1", access_key_id: "zen-test-access", secret_access_key: "zen-test-secret", request_checksum_calculation: process.env.WR as any } });
await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
if (process.env.PS) S3ArtifactStore.partSize = Number(process.env.PS)*MiB; if (process.env.QS) S3ArtifactStore.queueSize = Number(process.env.QS);
const seed = Buffer.alloc(MiB, 7);
const size = 200*MiB;
console.log("start rss", (process.memoryUsage.rss()/MiB).toFixed(0));
await measure("write", async () => { await pipeline(Readable.from(gen(size, seed)), await store.openWrite(`s3://${bucket}/p/big`)); });
await measure("read", async () => { let n=0; for await (const c of await store.openRead(`s3://${bucket}/p/big`)) n+=c.length; if (n!==size) throw new Error("size"); });
await store.remove(`s3://${bucket}`, {recursive: true});
