/**
 * The `gcs` artifact store flavor: data only. `@google-cloud/storage` is imported by the
 * implementation module, which loads the first time a `gcs` component is used.
 */
import { defineFlavor } from "@zen/core/flavor";
import { gcsArtifactStoreConfig, type GcsArtifactStoreConfig } from "./config.ts";

export { gcsArtifactStoreConfig, type GcsArtifactStoreConfig } from "./config.ts";

export const gcsArtifactStore = defineFlavor<GcsArtifactStoreConfig>({
  type: "artifact_store",
  name: "gcs",
  description: "Artifacts in Google Cloud Storage (gs://bucket/prefix)",
  config: gcsArtifactStoreConfig,
  implementation: () => import("./gcs-artifact-store.ts").then((m) => m.GcsArtifactStore),
});

export default [gcsArtifactStore];
