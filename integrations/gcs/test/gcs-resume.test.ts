/**
 * Reads that survive a dropped connection, the shared case of `describeCutReads`: the `gcs` store asks
 * for the rest from the offset reached, pinned to the generation first read.
 */
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { describeCutReads } from "@zen/test-utils/cases";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";
import { gcsTestBucket } from "./gcs-test-bucket.ts";

describeCutReads({
  title: "a gcs read cut off halfway",
  storeName: "gcs_resume",
  readRetries: GcsArtifactStore.readRetries,
  codes: STORE_ERROR_CODES,
  // The GCS library may retry a cut request of its own (more than one cut per attempt), and it reports
  // nothing when a connection is cut mid-body (the read would hang for good): the store's stall guard
  // notices, so the read may also give up with the timeout error.
  giveUp: "loose",
  open: async () => {
    const stallMs = GcsArtifactStore.readStallMs;
    GcsArtifactStore.readStallMs = 1_000;
    const fixture = await gcsTestBucket("zen-resume");
    return {
      endpoint: fixture.gcs.endpoint,
      store: (endpoint, name) => fixture.store(endpoint ? { api_endpoint: endpoint } : {}, name),
      uri: `gs://${fixture.bucket}/zen/big.bin`,
      dispose: async () => {
        GcsArtifactStore.readStallMs = stallMs;
        await fixture.dispose();
      },
    };
  },
});
