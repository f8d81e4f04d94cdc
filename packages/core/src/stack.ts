import type { ComponentType } from "./component-types.ts";
import type { BaseArtifactStore } from "./components/artifact-store.ts";
import type { BaseContainerRegistry } from "./components/container-registry.ts";
import type { BaseMetadataStore } from "./components/metadata-store.ts";
import type { BaseAlerter, BaseExperimentTracker, BaseFeatureStore, BaseModelDeployer, BaseStepOperator } from "./components/optional-components.ts";
import type { BaseOrchestrator } from "./components/orchestrator.ts";
import type { BaseSecretsManager } from "./components/secrets-manager.ts";
import type { StackComponent } from "./stack-component.ts";

/** A stack ready to run: every component instantiated, secret references resolved. */
export interface LoadedStack {
  name: string;
  orchestrator: BaseOrchestrator;
  artifactStore: BaseArtifactStore;
  metadataStore: BaseMetadataStore;
  /** All components, required and optional, in stack order. */
  components: Partial<Record<ComponentType, StackComponent>>;
}

/**
 * The stack as steps and hooks see it (`ctx.stack`): the required components as they are, and
 * every optional one typed by its base class, `undefined` when the stack has none.
 */
export interface RunStack extends LoadedStack {
  readonly containerRegistry: BaseContainerRegistry | undefined;
  readonly secretsManager: BaseSecretsManager | undefined;
  readonly stepOperator: BaseStepOperator | undefined;
  readonly modelDeployer: BaseModelDeployer | undefined;
  readonly featureStore: BaseFeatureStore | undefined;
  readonly experimentTracker: BaseExperimentTracker | undefined;
  readonly alerter: BaseAlerter | undefined;
}
