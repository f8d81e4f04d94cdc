/**
 * The stack a conformance suite runs pipelines on: the built-in local components in a fresh temp
 * directory, with the component under test swapped in.
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BaseMetadataStore } from "../components/metadata-store.ts";
import type { BaseOrchestrator } from "../components/orchestrator.ts";
import type { ComponentType } from "../component-types.ts";
import { createLocalStack } from "../builtins/local-stack.ts";
import type { StackComponent } from "../stack-component.ts";
import type { LoadedStack } from "../stack.ts";

export interface ConformanceStack {
  stack: LoadedStack;
  root: string;
  /** Closes the local metadata store and deletes the directory. */
  dispose(): Promise<void>;
}

export function conformanceStack(options: {
  name: string;
  orchestrator?: BaseOrchestrator;
  metadataStore?: BaseMetadataStore;
  components?: Partial<Record<ComponentType, StackComponent>>;
}): ConformanceStack {
  const root = mkdtempSync(join(realpathSync(tmpdir()), "zen-conformance-"));
  const local = createLocalStack({ root, name: options.name });
  const orchestrator = options.orchestrator ?? local.orchestrator;
  const metadataStore = options.metadataStore ?? local.metadataStore;
  const stack: LoadedStack = {
    name: options.name,
    orchestrator,
    artifactStore: local.artifactStore,
    metadataStore,
    components: { ...local.components, ...options.components, orchestrator, metadata_store: metadataStore },
  };
  return {
    stack,
    root,
    async dispose() {
      await local.metadataStore.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
