/** `@zen/integration-s3`: the `s3` artifact store flavor. The implementation (and the AWS SDK) load on first use. */
export { s3ArtifactStore, s3ArtifactStoreConfig, type S3ArtifactStoreConfig } from "./flavors.ts";
