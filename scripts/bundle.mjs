// Builds a package's JavaScript with esbuild: one ESM file per export subpath, shared and lazily
// imported code split into chunks. Startup speed is the reason: a handful of files loads far faster
// than hundreds of small modules (yaml alone is ~50). The rule for what gets inlined:
// `dependencies` and `peerDependencies` stay external (installed, shared with plugins: @zen/core,
// zod, better-sqlite3, tsx); `devDependencies` that the code imports are bundled.
// Type declarations come from `tsc -b` (emitDeclarationOnly).
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})].flatMap((name) => [
  name,
  `${name}/*`,
]);
const entryPoints = Object.values(pkg.exports ?? {})
  .map((target) => (typeof target === "object" ? target["zen-source"] : undefined))
  .filter(Boolean);

// Chunk names carry content hashes: drop the previous build's.
rmSync(join(dir, "dist", "chunks"), { recursive: true, force: true });

await build({
  absWorkingDir: dir,
  entryPoints,
  outbase: "src",
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external,
  conditions: ["zen-source"],
  // Bundled CommonJS packages (yaml, commander…) call require() for Node built-ins.
  banner: { js: 'import { createRequire as __zenCreateRequire } from "node:module"; const require = __zenCreateRequire(import.meta.url);' },
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
