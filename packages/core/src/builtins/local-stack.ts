/**
 * A stack of the built-in local components under one directory, without a profile: for tests and
 * for scripts that want a throwaway stack. (`Zen.open().loadStack()` gives the configured one.)
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { LocalArtifactStore } from "./local-artifact-store.ts";
import { LocalOrchestrator } from "./local-orchestrator.ts";
import { SqliteMetadataStore } from "./sqlite-metadata-store.ts";
import type { ComponentType } from "../component-types.ts";
import type { StackComponent } from "../stack-component.ts";
import type { LoadedStack } from "../stack.ts";

export interface LocalStackOptions {
  /** Artifacts go to `<root>/artifacts`, metadata to `<root>/metadata.db`. */
  root: string;
  name?: string;
  /** Stable component ids (the cache only reuses artifacts of the same artifact store id). */
  ids?: { orchestrator?: string; artifactStore?: string; metadataStore?: string };
  /** Extra components, e.g. an experiment tracker. */
  components?: Partial<Record<ComponentType, StackComponent>>;
  maxConcurrency?: number;
}

export function createLocalStack(options: LocalStackOptions): LoadedStack {
  const configDir = options.root;
  const orchestrator = new LocalOrchestrator({
    id: options.ids?.orchestrator ?? "local-orchestrator",
    name: "default",
    flavor: "local",
    config: options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency },
    configDir,
  });
  const artifactStore = new LocalArtifactStore({
    id: options.ids?.artifactStore ?? `local-artifact-store:${path.resolve(options.root)}`,
    name: "default",
    flavor: "local",
    config: { path: path.join(options.root, "artifacts") },
    configDir,
  });
  const metadataStore = new SqliteMetadataStore({
    id: options.ids?.metadataStore ?? randomUUID(),
    name: "default",
    flavor: "sqlite",
    config: { uri: path.join(options.root, "metadata.db") },
    configDir,
  });
  return {
    name: options.name ?? "local",
    orchestrator,
    artifactStore,
    metadataStore,
    components: { orchestrator, artifact_store: artifactStore, metadata_store: metadataStore, ...options.components },
  };
}
