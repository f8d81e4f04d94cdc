/** Stable hashes for caching: canonical JSON, code, content. */
import { createHash } from "node:crypto";

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/**
 * The content hash of an artifact: over its files (relative path and content hash), so a
 * multi-file artifact hashes the same wherever it is stored.
 */
export function artifactContentHash(files: { path: string; sha256: string }[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${file.sha256}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

export function cacheKeyOf(parts: {
  codeHash: string;
  parameters: Record<string, unknown>;
  inputs: Record<string, string>;
  outputs: readonly string[];
  extra: string | undefined;
}): string {
  return sha256(canonicalJson(parts));
}
