/**
 * Flavors that installed packages provided in an earlier discovery and no longer do (the package was
 * uninstalled, or is now broken). Kept in the cached index so that a stack still using such a flavor
 * is told which package it came from, instead of only "no such flavor".
 */
import type { DiscoveryIndex } from "./discovery-index.ts";
import type { FormerFlavor } from "./flavor-info.ts";

/** Old entries are dropped beyond this many (the list only grows by uninstalls). */
const LIMIT = 200;

function key(flavor: { type: string; name: string }): string {
  return `${flavor.type}/${flavor.name}`;
}

export function formerFlavors(previous: DiscoveryIndex | undefined, current: DiscoveryIndex): FormerFlavor[] {
  if (!previous) return [];
  const provided = new Set([...current.builtins, ...current.packages.flatMap((p) => p.flavors)].map(key));
  const former = new Map<string, FormerFlavor>();
  for (const entry of previous.formerFlavors ?? []) former.set(key(entry), entry);
  for (const pkg of previous.packages ?? []) {
    for (const flavor of pkg.flavors) {
      former.set(key(flavor), { type: flavor.type, name: flavor.name, package: pkg.name, version: pkg.version });
    }
  }
  return [...former.values()].filter((entry) => !provided.has(key(entry))).slice(-LIMIT);
}
