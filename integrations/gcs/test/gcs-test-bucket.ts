/** A bucket of its own on the fake-gcs-server test server, and `gcs` artifact stores over it. */
import { requireGcs, uniqueBucketName, type GcsService } from "../../../scripts/services/service-env.ts";
import type { GcsArtifactStoreConfig } from "../src/flavors.ts";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";

export interface GcsTestBucket {
  gcs: GcsService;
  bucket: string;
  /** A store at `gs://<bucket>/zen` with the server's endpoint and project; `config` overrides them. */
  store(config?: Partial<GcsArtifactStoreConfig>, name?: string): GcsArtifactStore;
  /** Deletes the bucket with its objects. */
  dispose(): Promise<void>;
}

/** Fails (never skips) when the server is not running: see scripts/services. */
export async function gcsTestBucket(prefix: string): Promise<GcsTestBucket> {
  const gcs = await requireGcs();
  const bucket = uniqueBucketName(prefix);
  const store = (config: Partial<GcsArtifactStoreConfig> = {}, name = "gcs_test") =>
    new GcsArtifactStore({
      id: name,
      name,
      flavor: "gcs",
      config: { path: `gs://${bucket}/zen`, api_endpoint: gcs.endpoint, project: gcs.projectId, ...config },
      configDir: "/nonexistent",
    });
  const admin = store({}, "gcs_admin");
  await admin.storage.createBucket(bucket);
  return {
    gcs,
    bucket,
    store,
    dispose: async () => {
      await admin.remove(`gs://${bucket}`, { recursive: true });
      await admin.storage.bucket(bucket).delete();
    },
  };
}
