/** The artifact store conformance suite on the `s3` flavor against a real S3 server (versitygw). */
import { CreateBucketCommand, DeleteBucketCommand } from "@aws-sdk/client-s3";
import { describeArtifactStoreConformance } from "@zen/core/testing";
import { requireS3, uniqueBucketName } from "../../../scripts/services/service-env.ts";
import { S3ArtifactStore } from "../src/s3-artifact-store.ts";

describeArtifactStoreConformance("s3 on versitygw, SDK default checksums", async () => {
  const s3 = await requireS3();
  const bucket = uniqueBucketName("zen-conf");
  const store = new S3ArtifactStore({
    id: "s3-conformance",
    name: "s3_conformance",
    flavor: "s3",
    config: {
      path: `s3://${bucket}/zen`,
      endpoint_url: s3.endpoint,
      region: s3.region,
      access_key_id: s3.accessKeyId,
      secret_access_key: s3.secretAccessKey,
    },
    configDir: "/nonexistent",
  });
  await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    store,
    root: `s3://${bucket}/zen/conformance`,
    cleanup: async () => {
      await store.remove(`s3://${bucket}`, { recursive: true });
      await store.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      store.client.destroy();
    },
  };
});
