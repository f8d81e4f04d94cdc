/** Step images without a container engine: reproducible layers, pushed over the OCI distribution API. */
export { createTar, withParentDirs, LAYER_MTIME, type TarEntry } from "./tar.ts";
export { createLayer, sha256, OCI_LAYER_GZIP, type Layer } from "./layer.ts";
export { parseImageReference, formatImageReference, type ImageReference } from "./image-reference.ts";
export { RegistryClient, MANIFEST_TYPES, type RegistryClientOptions, type RegistryCredentials, type FetchedManifest } from "./registry-client.ts";
export {
  planImage,
  pushImage,
  OCI_MANIFEST,
  OCI_CONFIG,
  type ImageSpec,
  type ImagePlan,
  type LayerPlan,
  type PushResult,
  type ImageBuildOptions,
} from "./build-image.ts";
export { codeEntries, dependencyEntries } from "./project-files.ts";
