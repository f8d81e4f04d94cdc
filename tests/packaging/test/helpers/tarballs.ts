/**
 * The packages under test as users receive them: built, then packed by pnpm, which rewrites
 * `workspace:` ranges into real ones and applies `publishConfig` (exports pointing at dist).
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { baseEnv, failure, run } from "./processes.ts";

export const WORKSPACE = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

/** Workspace directory → the tarball's role in the tests. */
export const PACKED = {
  core: "packages/core",
  cli: "packages/cli",
  s3: "integrations/s3",
  memo: "examples/zen-integration-memo",
} as const;

export type PackedName = keyof typeof PACKED;

export async function buildAndPack(destination: string): Promise<Record<PackedName, string>> {
  const env = baseEnv();
  for (const dir of Object.values(PACKED)) {
    const built = await run("npm", ["run", "build"], { cwd: join(WORKSPACE, dir), env });
    if (built.status !== 0) throw new Error(`Building ${dir} failed: ${failure(built).output}`);
  }
  const tarballs = {} as Record<PackedName, string>;
  for (const [name, dir] of Object.entries(PACKED) as [PackedName, string][]) {
    const before = new Set(readdirSync(destination));
    const packed = await run("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", destination], { cwd: join(WORKSPACE, dir), env });
    if (packed.status !== 0) throw new Error(`Packing ${dir} failed: ${failure(packed).output}`);
    const created = readdirSync(destination).filter((f) => f.endsWith(".tgz") && !before.has(f));
    if (created.length !== 1) throw new Error(`Packing ${dir} wrote ${created.length} tarballs.`);
    tarballs[name] = join(destination, created[0]!);
  }
  return tarballs;
}
