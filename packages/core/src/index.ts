/**
 * `@zen/core`: the API for users and scripts: pipelines and steps, the post-execution repository, the
 * `Zen` facade over profiles, stacks, components, flavors and secrets, and the built-in components.
 * Everything a flavor package needs is here too, and on its own in `@zen/core/flavor`. Plumbing the CLI
 * shares with core (stores, locks, resolution, discovery internals) is in `@zen/core/internal`, which
 * is not covered by semver.
 */
export * from "./flavor-entry.ts";
export * from "./component-types.ts";
export { loadImplementation, secretFieldsWithLiteralDefault, secretLiteralFields, FLAVOR_BRAND } from "./flavor.ts";
export type * from "./store/records.ts";
export type * from "./discovery/flavor-info.ts";
export type * from "./discovery/flavor-registry-api.ts";
export type { DiscoveryReport } from "./discovery/report.ts";
export type { CandidateReport } from "./discovery/discovery-index.ts";
export type * from "./zen-api.ts";
export { Zen, type InitResult, type ZenOpenOptions } from "./zen/index.ts";
export { DEFAULT_PROFILE_NAME, DEFAULT_STACK_NAME } from "./config/resolution.ts";
export { NAME_PATTERN } from "./config/names.ts";
export * from "./secrets/local-secrets-manager.ts";
export * from "./secrets/references.ts";
export * from "./secrets/mask.ts";
export * from "./secrets/secret-names.ts";
export { BUILTIN_FLAVORS, builtinFlavor } from "./flavors/builtin.ts";
export { KNOWN_FLAVOR_PACKAGES, knownFlavorsOf, knownPackageFor, type KnownFlavorPackage } from "./known-packages.ts";
export * from "./pipeline/index.ts";
// The built-in components, for subclassing and for stacks built in code.
export { createLocalStack, type LocalStackOptions } from "./builtins/local-stack.ts";
export { LocalOrchestrator, type LocalOrchestratorConfig } from "./builtins/local-orchestrator.ts";
export { LocalArtifactStore } from "./builtins/local-artifact-store.ts";
export { SqliteMetadataStore, type SqliteMetadataStoreConfig } from "./builtins/sqlite-metadata-store.ts";
