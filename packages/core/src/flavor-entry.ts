/**
 * `@zen/core/flavor`: everything a flavor package imports from zen, and nothing else. `defineFlavor`
 * and `secretField` for the flavors module; the base class of each component type with the types its
 * methods speak (run records for metadata stores, the run handle for orchestrators, alerts for alerters);
 * the errors to throw. Specialised helpers have their own entries: `@zen/core/object-store` (object
 * storage artifact stores), `@zen/core/sql-stores` (SQL-server metadata and stack stores),
 * `@zen/core/image` (container images), `@zen/core/testing` (conformance kits).
 */
export * from "./errors.ts";
export type { ComponentType } from "./component-types.ts";
export { FLAVOR_API_VERSION, LOCAL_PATH_KEYWORD, SECRET_KEYWORD } from "./flavor-terms.ts";
export {
  defineFlavor,
  isFlavor,
  secretField,
  SECRET_REFERENCE,
  type Flavor,
  type FlavorSpec,
  type SecretField,
  type StackIssue,
  type StackView,
} from "./flavor.ts";
export {
  StackComponent,
  type ComponentInit,
  type ComponentRecord,
  type PipelineDeployment,
  type StackComponentClass,
  type StepRunInfo,
} from "./stack-component.ts";
export * from "./components/artifact-store.ts";
export * from "./components/container-registry.ts";
export * from "./components/metadata-store.ts";
export * from "./components/optional-components.ts";
export * from "./components/orchestrator.ts";
export * from "./components/secrets-manager.ts";
export type * from "./components/run-records.ts";
export type { PipelineEvent, PipelineEventListener } from "./components/run-events.ts";
export type { LoadedStack, RunStack } from "./stack.ts";
// A secrets manager checks names and values the way the built-in one does.
export * from "./secrets/secret-names.ts";
// A remote orchestrator's step process runs one step of a run through this.
export { runStepOfRun, type StepEntrypointOptions } from "./pipeline/step-entrypoint.ts";
