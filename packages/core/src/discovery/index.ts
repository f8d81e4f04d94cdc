/**
 * The light entry of discovery: everything the CLI needs to list flavors from a warm cache without
 * loading zod, semver or any package code (the heavy modules are imported on a cache miss or load()).
 */
export { createFlavorRegistry, discover, type DiscoveryOptions, type DiscoveryResult } from "./registry.ts";
export { discoveryReport, type DiscoveryReport } from "./report.ts";
export { detectPackageManager, installCommand, unknownFlavorError, type PackageManager } from "./unknown-flavor.ts";
export { parseFlavorSpecifier } from "./custom-module.ts";
export { describeConfigKeys, type ConfigKeyDescription } from "./json-schema.ts";
export type { CandidateReport } from "./discovery-index.ts";
export type * from "./flavor-info.ts";
export type * from "./flavor-registry-api.ts";
