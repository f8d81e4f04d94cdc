/**
 * The `s3` artifact store flavor: data only. The AWS SDK is imported by the implementation module,
 * which loads the first time an `s3` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import { s3ArtifactStoreConfig, type S3ArtifactStoreConfig } from "./config.ts";

export { s3ArtifactStoreConfig, type S3ArtifactStoreConfig } from "./config.ts";

export const s3ArtifactStore = defineFlavor<S3ArtifactStoreConfig>({
  type: "artifact_store",
  name: "s3",
  description: "Artifacts in Amazon S3 or an S3-compatible service (s3://bucket/prefix)",
  config: s3ArtifactStoreConfig,
  implementation: () => import("./s3-artifact-store.ts").then((m) => m.S3ArtifactStore),
});

export default [s3ArtifactStore];
