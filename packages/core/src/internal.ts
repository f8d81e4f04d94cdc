/**
 * `@zen/core/internal`: plumbing that @zen/cli shares with core: files, locks, stores, setting
 * resolution, `zen clean`, config parsing, discovery. NOT covered by semver: it changes with the CLI of
 * the same version, and flavor packages and scripts must not import it (`@zen/core/flavor` and
 * `@zen/core` are the public entries).
 */
export { cleanAll, executeClean, planClean, type CleanOptions, type CleanPlan } from "./config/clean.ts";
export { parseYaml } from "./fs/yaml-file.ts";
export { globalConfigDir } from "./config/paths.ts";
export type { GlobalConfig, ProfileEntry } from "./config/global-config.ts";
export { findRepositoryRoot, readRepositoryConfig, type RepositoryConfig } from "./config/repository.ts";
export { resolveSettings } from "./config/resolution.ts";
export { writeFileAtomic, ensurePrivateDir } from "./fs/atomic-write.ts";
export { withLock } from "./fs/lock.ts";
export { openStackStore, defaultStoreUrl } from "./store/open-store.ts";
export { STACK_EXPORT_FORMAT, STACK_EXPORT_FORMAT_VERSION, readStackExport } from "./stack-transfer.ts";
export { describeConfigKeys, parseComponentConfig, removeConfigKeys, type ConfigKeyDescription } from "./config-values.ts";
export { createFlavorRegistry, discover, type DiscoveryOptions, type DiscoveryResult } from "./discovery/registry.ts";
export { discoveryReport } from "./discovery/report.ts";
export { loadCustomFlavor, type CustomFlavorLoadRequest } from "./discovery/custom-flavor.ts";
export { parseFlavorSpecifier, resolveCustomModule } from "./discovery/custom-module.ts";
export { detectPackageManager, installCommand, unknownFlavorError, type PackageManager } from "./discovery/unknown-flavor.ts";
export { dashboardRunUrl, registerDashboard, runningDashboards, type RunningDashboard } from "./config/running-dashboards.ts";
