// Kubeflow orchestrator figures, on the BUILT packages (`pnpm build` first):
//   - compiling a 1,000-step pipeline to a KFP v2 pipeline spec (ms, best of 5; target ≤ 300)
//   - the step image against the registry scripts/services/start.sh runs (`crane registry serve`):
//     a no-change rebuild (layers pushed; target 0) and a rebuild after a one-file change
//     (seconds and layers pushed; targets ≤ 3 s, ≤ 1 layer)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (...parts) => import(pathToFileURL(path.join(here, "..", ...parts)).href);
const { compilePipeline } = await load("integrations", "kubeflow", "dist", "index.js");
const { buildStepImage } = await load("integrations", "kubeflow", "dist", "step-image.js");

const steps = Array.from({ length: 1000 }, (_, i) => ({
  name: `step_${i}`,
  upstream: i === 0 ? [] : [...new Set([`step_${i - 1}`, `step_${Math.floor(i / 2)}`])],
}));
const times = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  compilePipeline({ pipelineName: "bench", steps }, { image: `registry.example.com/bench@sha256:${"0".repeat(64)}`, pipelineFile: "src/pipeline.ts" });
  times.push(performance.now() - started);
}
console.log(`compile 1,000 steps to a KFP pipeline spec: ${Math.min(...times).toFixed(1)} ms (target ≤ 300 ms)`);

const env = Object.fromEntries(
  readFileSync(path.join(here, "..", ".services", "env"), "utf8")
    .split("\n")
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const registry = env.ZEN_REGISTRY;
const crane = path.join(here, "..", ".services", "bin", "crane");
const root = mkdtempSync(path.join(tmpdir(), "zen-bench-kfp-"));
try {
  const unique = `${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(path.join(root, "base", "etc"), { recursive: true });
  writeFileSync(path.join(root, "base", "etc", "os-release"), "NAME=bench\n");
  execFileSync("tar", ["-C", path.join(root, "base"), "-cf", path.join(root, "base.tar"), "etc"]);
  const base = `${registry}/bench/base-${unique}:1`;
  execFileSync(crane, ["append", "-f", path.join(root, "base.tar"), "-t", base], { stdio: "ignore" });
  // A project the size of a small real one: 200 source files, 2,000 dependency files.
  const project = path.join(root, "project");
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), text);
  };
  write("package.json", JSON.stringify({ name: `bench-${unique}`, dependencies: { dep: "1.0.0" } }));
  write("node_modules/dep/package.json", JSON.stringify({ name: "dep", version: "1.0.0" }));
  for (let i = 0; i < 2000; i++) write(`node_modules/dep/lib/f${i}.js`, `module.exports = ${i};\n`.repeat(20));
  for (let i = 0; i < 200; i++) write(`src/m${i}.ts`, `export const v${i} = ${i};\n`.repeat(10));
  const options = { projectDir: project, registryUri: registry, repository: `bench/app-${unique}`, baseImage: base };
  await buildStepImage(options);
  let started = performance.now();
  const same = await buildStepImage(options);
  console.log(`step image, no-change rebuild: ${same.pushed.length} layers pushed, ${((performance.now() - started) / 1000).toFixed(2)} s (target 0 layers)`);
  write("src/m7.ts", "export const v7 = 'changed';\n");
  started = performance.now();
  const changed = await buildStepImage(options);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `step image, one-file change: ${seconds.toFixed(2)} s, ${changed.pushed.length} layer pushed (${changed.pushedBytes} bytes) (targets ≤ 3 s, ≤ 1 layer)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
