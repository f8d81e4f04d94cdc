import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "node:stream";
const MiB = 1024*1024;
async function* gen(size: number, seed: Buffer) { for (let o=0,i=0;o<size;o+=MiB,i++){ const c=Buffer.from(seed.subarray(0,Math.min(MiB,size-o))); c.writeBigUInt64BE(BigInt(i),0); yield c; } }
const client = new S3Client({ endpoint: "http://127.0.0.1:7070", region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "zen-test-access", secretAccessKey: "zen-test-secret" } });
const bucket = "memraw-" + Date.now();
await client.send(new CreateBucketCommand({ Bucket: bucket }));
const base = process.memoryUsage.rss(); let peak = base; const t = setInterval(()=>{ if (process.env.GC) (globalThis as any).gc(); peak=Math.max(peak,process.memoryUsage.rss())},10);
const s = performance.now();
await new Upload({ client, params: { Bucket: bucket, Key: "big", Body: Readable.from(gen(200*MiB, Buffer.alloc(MiB, 7))) }, partSize: Number(process.env.PS ?? 5)*MiB, queueSize: 4 }).done();
clearInterval(t);
console.log("raw write start", (base/MiB).toFixed(0), "growth MiB", ((peak-base)/MiB).toFixed(1), "time", ((performance.now()-s)/1000).toFixed(2));
