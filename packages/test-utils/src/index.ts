export { makeTempDir, removeTempDirs, writeTree } from "./temp-dir.ts";
export {
  CORE_ROOT,
  ZOD_CJS_PATH,
  ZOD_ESM_URL,
  addDependency,
  bumpInstallStamp,
  flavorPackageFixture,
  linkZenCore,
  makeProject,
} from "./flavor-package-fixture.ts";
export type {
  FixtureFlavor,
  FlavorPackageFixture,
  FlavorPackageFixtureOptions,
  PackageManagerName,
  ProjectFixtureOptions,
} from "./flavor-package-fixture.ts";
export { closedPort, silentServer, type SilentServer } from "./network.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { resolvedImports, type ResolvedImportsOptions } from "./resolved-imports.ts";
export { rejectionOf } from "./rejection.ts";
export { startKfpApiFake, type KfpApiFake, type KfpApiFakeOptions, type KfpExchange } from "./kfp-api-fake.ts";
export { ZEN_BIN, projectWithPackages, teamProfileFixture, type TeamProfileDatabase } from "./workspace-project.ts";
export { loadBundleAlone } from "./vendored-bundle.ts";
