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
// For `zen flavor check` (a lint of one package before it is published): `scanPackages` indexes
// packages the way discovery does, package code in a child process. Imported only when called.
export const loadPackageScanner = () => import("./isolated-scan.ts");
// The entry of that child process (started by isolated-scan.ts through this module).
export const loadScanChild = () => import("./scan-child.ts");
export { importConditions, readJsonFile, resolveExportPath, type PackageJson } from "./package-json.ts";
export { causeMessage, importModule, moduleEntries } from "./import-module.ts";
export type { Candidate } from "./candidates.ts";
export type { DiscoveryIndex, IndexedPackage } from "./discovery-index.ts";
