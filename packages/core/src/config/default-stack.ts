/**
 * The `default` stack every new profile starts with: local orchestrator, local artifact store under
 * `<configDir>/local_stores/<id>`, SQLite metadata store inside it.
 */
import { join } from "node:path";
import type { ComponentType } from "../component-types.ts";
import { ensurePrivateDir } from "../fs/atomic-write.ts";
import type { ComponentRecord, StackStore } from "../store/records.ts";
import { localStoresDir } from "./paths.ts";
import { DEFAULT_STACK_NAME } from "./resolution.ts";

export type Notice = (message: string) => void;

/** Registers the default stack in an empty store; returns false (and changes nothing) if the store has stacks. */
export async function registerDefaultStack(store: StackStore, configDir: string, notice: Notice): Promise<boolean> {
  const artifactStoreId = crypto.randomUUID();
  const artifactPath = join(localStoresDir(configDir), artifactStoreId);
  const now = new Date().toISOString();
  // Seed order: orchestrator, metadata store, artifact store.
  const wanted: [ComponentType, Omit<ComponentRecord, "name" | "type" | "createdAt" | "updatedAt">][] = [
    ["orchestrator", { id: crypto.randomUUID(), flavor: "local", config: {} }],
    ["metadata_store", { id: crypto.randomUUID(), flavor: "sqlite", config: { uri: join(artifactPath, "metadata.db") } }],
    ["artifact_store", { id: artifactStoreId, flavor: "local", config: { path: artifactPath } }],
  ];
  const registered = await store.transact((draft) => {
    if (draft.stacks.length > 0) return undefined;
    const added: ComponentType[] = [];
    const components: Partial<Record<ComponentType, string>> = {};
    for (const [type, record] of wanted) {
      // A leftover component named `default` is reused rather than clashing.
      if (!draft.components.some((c) => c.type === type && c.name === DEFAULT_STACK_NAME)) {
        draft.components.push({ ...record, name: DEFAULT_STACK_NAME, type, createdAt: now, updatedAt: now });
        added.push(type);
      }
      components[type] = DEFAULT_STACK_NAME;
    }
    draft.stacks.push({ id: crypto.randomUUID(), name: DEFAULT_STACK_NAME, components, createdAt: now, updatedAt: now });
    return added;
  });
  if (!registered) return false;
  if (registered.includes("artifact_store")) await ensurePrivateDir(artifactPath);
  for (const type of registered) notice(`Registered stack component with type '${type}' and name '${DEFAULT_STACK_NAME}'.`);
  notice(`Registered stack with name '${DEFAULT_STACK_NAME}'.`);
  return true;
}
