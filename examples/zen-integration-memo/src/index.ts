/** zen-integration-memo: the `memo` artifact store flavor for zen, and its implementation. */
export { memoArtifactStore, memoArtifactStoreConfig, type MemoArtifactStoreConfig } from "./flavors.ts";
export { MemoArtifactStore } from "./memo-artifact-store.ts";
