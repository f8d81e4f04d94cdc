/** `@zen/core/verify`: checks that components work with their configuration. */
export { verifyArtifactStore, PROBE_DIR, type VerifyOptions, type VerifyResult, type VerifyStep } from "./artifact-store.ts";
export { STORE_ERROR_CODES } from "../object-store/store-errors.ts";
