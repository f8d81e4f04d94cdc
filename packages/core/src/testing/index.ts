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
