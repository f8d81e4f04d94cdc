/** `@zen/integration-gcs`: the `gcs` artifact store flavor. The implementation (and the Google SDK) load on first use. */
export { gcsArtifactStore, gcsArtifactStoreConfig, type GcsArtifactStoreConfig } from "./flavors.ts";
