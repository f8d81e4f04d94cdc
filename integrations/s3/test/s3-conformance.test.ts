/** The artifact store conformance suite on the `s3` flavor against a real S3 server (versitygw). */
import { describeArtifactStoreConformance } from "@zen/core/testing";
import { s3TestBucket } from "./s3-test-bucket.ts";

describeArtifactStoreConformance("s3 on versitygw, SDK default checksums", async () => {
  const { bucket, store, dispose } = await s3TestBucket("zen-conf");
  return { store: store({}, "s3_conformance"), root: `s3://${bucket}/zen/conformance`, cleanup: dispose };
});
