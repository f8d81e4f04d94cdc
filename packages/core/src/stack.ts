import type { ComponentType } from "./component-types.ts";
import type { BaseArtifactStore } from "./components/artifact-store.ts";
import type { BaseMetadataStore } from "./components/metadata-store.ts";
import type { BaseOrchestrator } from "./components/orchestrator.ts";
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
