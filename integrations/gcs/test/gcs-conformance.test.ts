/** The artifact store conformance suite on the `gcs` flavor against a real GCS emulator (fake-gcs-server). */
import { describeArtifactStoreConformance } from "@zen/core/testing";
import { requireGcs, uniqueBucketName } from "../../../scripts/services/service-env.ts";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";

describeArtifactStoreConformance("gcs on fake-gcs-server", async () => {
  const gcs = await requireGcs();
  const bucket = uniqueBucketName("zen-conf");
  const store = new GcsArtifactStore({
    id: "gcs-conformance",
    name: "gcs_conformance",
    flavor: "gcs",
    config: { path: `gs://${bucket}/zen`, api_endpoint: gcs.endpoint, project: gcs.projectId },
    configDir: "/nonexistent",
  });
  await store.storage.createBucket(bucket);
  return {
    store,
    root: `gs://${bucket}/zen/conformance`,
    cleanup: async () => {
      await store.remove(`gs://${bucket}`, { recursive: true });
      await store.storage.bucket(bucket).delete();
    },
  };
});
