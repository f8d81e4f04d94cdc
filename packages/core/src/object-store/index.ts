/** `@zen/core/object-store`: the filesystem API over object stores, for artifact store flavors (S3, GCS, …). */
export { ObjectArtifactStore, parallel, type ObjectInfo, type ObjectLocation, type ObjectPage } from "./object-artifact-store.ts";
export { resumableRead, type ResumableReadOptions } from "./resumable-read.ts";
export {
  STORE_ERROR_CODES,
  bucketNotFoundError,
  credentialsError,
  networkErrorCode,
  permissionError,
  unreachableError,
  withTimeout,
  type StoreErrorContext,
} from "./store-errors.ts";
