/** The artifact store conformance suite on the `gcs` flavor against a real GCS emulator (fake-gcs-server). */
import { describeArtifactStoreConformance } from "@zen/core/testing";
import { gcsTestBucket } from "./gcs-test-bucket.ts";

describeArtifactStoreConformance("gcs on fake-gcs-server", async () => {
  const { bucket, store, dispose } = await gcsTestBucket("zen-conf");
  return { store: store({}, "gcs_conformance"), root: `gs://${bucket}/zen/conformance`, cleanup: dispose };
});
