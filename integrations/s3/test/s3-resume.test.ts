/**
 * Reads that survive a dropped connection, the shared case of `describeCutReads`: the `s3` store asks
 * for the rest from the offset reached, pinned to the same version with If-Match.
 */
import { STORE_ERROR_CODES } from "@zen/core/object-store";
import { describeCutReads } from "@zen/test-utils/cases";
import { S3ArtifactStore } from "../src/s3-artifact-store.ts";
import { s3TestBucket } from "./s3-test-bucket.ts";

describeCutReads({
  title: "an s3 read cut off halfway",
  storeName: "s3_resume",
  readRetries: S3ArtifactStore.readRetries,
  codes: STORE_ERROR_CODES,
  // The SDK retries nothing once a body streams and a cut body fails the read at once: one cut per
  // attempt, and always the unreachable error.
  giveUp: "exact",
  open: async () => {
    const fixture = await s3TestBucket("zen-resume");
    return {
      endpoint: fixture.s3.endpoint,
      store: (endpoint, name) => fixture.store(endpoint ? { endpoint_url: endpoint } : {}, name),
      uri: `s3://${fixture.bucket}/zen/big.bin`,
      dispose: () => fixture.dispose(),
    };
  },
});
