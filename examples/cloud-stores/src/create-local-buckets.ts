/**
 * Creates the example's buckets on the local test servers that `bash scripts/services/start.sh`
 * runs (versitygw for S3, fake-gcs-server for GCS), reading their endpoints from `.services/env`.
 * With real clouds, create buckets with your cloud's own tools instead.
 *
 *   tsx src/create-local-buckets.ts [s3-bucket] [gcs-bucket]
 */
import { readFileSync } from "node:fs";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";

process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.METADATA_SERVER_DETECTION = "none";
const env = Object.fromEntries(
  readFileSync(new URL("../../../.services/env", import.meta.url), "utf8")
    .split("\n")
    .flatMap((line) => (/^[A-Z0-9_]+=/.test(line) ? [[line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]] : [])),
) as Record<string, string>;
const [s3Bucket = "zen-demo", gcsBucket = "zen-demo"] = process.argv.slice(2);

const s3 = new S3Client({
  endpoint: env.ZEN_S3_ENDPOINT,
  region: env.ZEN_S3_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: env.ZEN_S3_ACCESS_KEY_ID!, secretAccessKey: env.ZEN_S3_SECRET_ACCESS_KEY! },
});
await s3.send(new CreateBucketCommand({ Bucket: s3Bucket })).catch((error: { name?: string }) => {
  if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
});
console.log(`s3://${s3Bucket} on ${env.ZEN_S3_ENDPOINT}`);

const gcs = new Storage({ apiEndpoint: env.ZEN_GCS_ENDPOINT, projectId: env.ZEN_GCS_PROJECT });
const [exists] = await gcs.bucket(gcsBucket).exists();
if (!exists) await gcs.createBucket(gcsBucket);
console.log(`gs://${gcsBucket} on ${env.ZEN_GCS_ENDPOINT}`);
