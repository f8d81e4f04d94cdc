/** Helpers shared by both stack stores: an empty snapshot and the invariants every commit must keep. */
import { componentType } from "../component-types.ts";
import { ConflictError, ZenError } from "../errors.ts";
import type { StoreSnapshot } from "./records.ts";

export function emptySnapshot(): StoreSnapshot {
  return { components: [], stacks: [], flavors: [] };
}

/**
 * Refuses to commit a snapshot that breaks the store's invariants (unique names and ids, stacks
 * referring to existing components). The facade checks these first with friendlier messages; this is
 * the last line of defence, so that no code path can write an inconsistent store.
 */
export function checkSnapshot(snapshot: StoreSnapshot): void {
  const componentKeys = new Set<string>();
  const ids = new Set<string>();
  for (const component of snapshot.components) {
    const key = `${component.type}/${component.name}`;
    if (componentKeys.has(key)) {
      throw new ConflictError(`${article(componentType(component.type).displayName)} named '${component.name}' already exists.`);
    }
    if (ids.has(component.id)) throw new ZenError(`Two components share the id '${component.id}'.`);
    componentKeys.add(key);
    ids.add(component.id);
  }
  const stackNames = new Set<string>();
  for (const stack of snapshot.stacks) {
    if (stackNames.has(stack.name)) throw new ConflictError(`A stack named '${stack.name}' already exists.`);
    stackNames.add(stack.name);
    for (const [type, name] of Object.entries(stack.components)) {
      if (name !== undefined && !componentKeys.has(`${type}/${name}`)) {
        throw new ZenError(`Stack '${stack.name}' refers to a missing ${type.replace(/_/g, " ")} '${name}'.`);
      }
    }
  }
  const flavorKeys = new Set<string>();
  for (const flavor of snapshot.flavors) {
    const key = `${flavor.type}/${flavor.name}`;
    if (flavorKeys.has(key)) {
      throw new ConflictError(`A custom ${componentType(flavor.type).displayName} flavor named '${flavor.name}' already exists.`);
    }
    flavorKeys.add(key);
  }
}

function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "An" : "A"} ${noun}`;
}
