/** A bucket of its own on the versitygw test server, and `s3` artifact stores over it. */
import { CreateBucketCommand, DeleteBucketCommand } from "@aws-sdk/client-s3";
import { requireS3, uniqueBucketName, type S3Service } from "../../../scripts/services/service-env.ts";
import type { S3ArtifactStoreConfig } from "../src/flavors.ts";
import { S3ArtifactStore } from "../src/s3-artifact-store.ts";

export interface S3TestBucket {
  s3: S3Service;
  bucket: string;
  /** A store at `s3://<bucket>/zen` with the server's endpoint and credentials; `config` overrides them. */
  store(config?: Partial<S3ArtifactStoreConfig>, name?: string): S3ArtifactStore;
  /** Deletes the bucket with its objects and closes every store's client. */
  dispose(): Promise<void>;
}

/** Fails (never skips) when the server is not running: see scripts/services. */
export async function s3TestBucket(prefix: string): Promise<S3TestBucket> {
  const s3 = await requireS3();
  const bucket = uniqueBucketName(prefix);
  const stores: S3ArtifactStore[] = [];
  const store = (config: Partial<S3ArtifactStoreConfig> = {}, name = "s3_test") => {
    const created = new S3ArtifactStore({
      id: `${name}-${stores.length}`,
      name,
      flavor: "s3",
      config: {
        path: `s3://${bucket}/zen`,
        endpoint_url: s3.endpoint,
        region: s3.region,
        access_key_id: s3.accessKeyId,
        secret_access_key: s3.secretAccessKey,
        ...config,
      },
      configDir: "/nonexistent",
    });
    stores.push(created);
    return created;
  };
  const admin = store({}, "s3_admin");
  await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    s3,
    bucket,
    store,
    dispose: async () => {
      await admin.remove(`s3://${bucket}`, { recursive: true });
      await admin.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      for (const created of stores) created.client.destroy();
    },
  };
}
