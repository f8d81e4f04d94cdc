/**
 * `@zen/core/testing`: test kits for component implementations. They register Jest tests through
 * `@jest/globals` (an optional peer dependency), so import this module from test files only.
 */
export {
  describeArtifactStoreConformance,
  generatedBytes,
  largeFileSize,
  measureRssGrowth,
  type ArtifactStoreConformanceOptions,
  type ArtifactStoreFixture,
} from "./artifact-store-conformance.ts";
export { describeFlavorConformance, type FlavorConformanceOptions } from "./flavor-conformance.ts";
export {
  describeOrchestratorConformance,
  type OrchestratorConformanceOptions,
  type OrchestratorFixture,
} from "./orchestrator-conformance.ts";
export {
  describeMetadataStoreConformance,
  type MetadataStoreConformanceOptions,
  type MetadataStoreFixture,
} from "./metadata-store-conformance.ts";
export { describeSharedProfileConformance, type SharedProfileFixture, type SharedProfileOptions } from "./shared-profile-conformance.ts";
export { describeSharedProfileOperations, type SharedProfileOperationsFixture } from "./shared-profile-operations.ts";
export { describeSqlServerStoreConformance, type SqlServerFixture } from "./sql-server-store-conformance.ts";
export { describeStackStoreConformance, type StackStoreConformanceOptions, type StackStoreFixture } from "./stack-store-conformance.ts";
export {
  describeSecretsManagerConformance,
  type SecretsManagerConformanceOptions,
  type SecretsManagerFixture,
} from "./secrets-manager-conformance.ts";
export { describeContainerRegistryConformance, type ContainerRegistryConformanceOptions } from "./container-registry-conformance.ts";
export {
  describeExperimentTrackerConformance,
  type ExperimentTrackerConformanceOptions,
  type ExperimentTrackerFixture,
  type TrackedValues,
} from "./experiment-tracker-conformance.ts";
export { describeAlerterConformance, type AlerterConformanceOptions, type AlerterFixture } from "./alerter-conformance.ts";
export { conformanceStack, type ConformanceStack } from "./conformance-stack.ts";
export { componentTestConfig, type ComponentTestConfigOptions } from "./component-config.ts";
