// CLI startup: `zen --help`, `zen stack list` and `zen artifact-store flavor list` against bare
// `node -e 0`, in one run, from a project with four flavor packages installed (warm discovery cache).
// Targets: each of the three within 1.3x of bare Node startup; a shell completion request (the
// names of a flavor option from the discovery cache, of a secret from the encrypted file) within 1.5x. Also shown, without a target: the
// same flavor list right after an install (discovery cache gone: a full scan that imports the packages).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const zenBin = join(root, "packages/cli/bin/zen.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 30);

const project = mkdtempSync(join(tmpdir(), "zen-bench-"));
const configDir = join(project, ".config");
const deps = {};
mkdirSync(join(project, "node_modules/@zen"), { recursive: true });
symlinkSync(join(root, "packages/core"), join(project, "node_modules/@zen/core"));
symlinkSync(join(root, "packages/core/node_modules/zod"), join(project, "node_modules/zod"));
for (const name of ["alpha", "beta", "gamma", "delta"]) {
  const pkg = `zen-integration-bench-${name}`;
  deps[pkg] = "1.0.0";
  const dir = join(project, "node_modules", pkg);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: pkg,
      version: "1.0.0",
      type: "module",
      exports: { "./flavors": "./flavors.js", "./package.json": "./package.json" },
      zen: { apiVersion: 1, flavors: "./flavors" },
      peerDependencies: { "@zen/core": "*" },
    }),
  );
  writeFileSync(
    join(dir, "flavors.js"),
    `import { defineFlavor } from "@zen/core";\nimport { z } from "zod";\n` +
      `export default [defineFlavor({ type: "artifact_store", name: "${name}", description: "bench flavor ${name}",\n` +
      `  config: z.object({ path: z.string() }), implementation: async () => { throw new Error("not used"); } })];\n`,
  );
}
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bench-project", private: true, dependencies: deps }));
writeFileSync(join(project, "node_modules/.package-lock.json"), "{}");

const env = { ...process.env, ZEN_CONFIG_PATH: configDir, NO_COLOR: "1" };
const discoveryCache = join(project, "node_modules/.cache/zen");
function run(args, before) {
  before?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: project, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  return ms;
}

// An active stack with a local secrets manager holding one secret, for the Tab on a secret name.
for (const args of [
  ["secrets-manager", "register", "vault", "--flavor", "local"],
  ["stack", "register", "with-secrets", "-o", "default", "-a", "default", "-m", "default", "-x", "vault"],
  ["stack", "set", "with-secrets"],
  ["secret", "register", "db-login", "--user=u", "--password=p"],
]) {
  run([zenBin, ...args]);
}

const cases = {
  "node -e 0": ["-e", "0"],
  "zen --help": [zenBin, "--help"],
  "zen stack list": [zenBin, "stack", "list"],
  "zen artifact-store flavor list": [zenBin, "artifact-store", "flavor", "list"],
  "zen __complete (Tab on a name)": [zenBin, "__complete", "stack", "update", "--artifact-store", ""],
  "zen __complete (Tab on a flavor)": [zenBin, "__complete", "artifact-store", "register", "x", "--flavor", ""],
  "zen __complete (Tab on a secret)": [zenBin, "__complete", "secret", "get", ""],
  "  same, cold discovery cache": [zenBin, "artifact-store", "flavor", "list"],
};
const setup = { "  same, cold discovery cache": () => rmSync(discoveryCache, { recursive: true, force: true }) };
const informational = new Set(["  same, cold discovery cache"]);
const target = (name) => (name.startsWith("zen __complete") ? 1.5 : 1.3);
// Warm up: creates the default profile and the discovery cache, and the OS file cache.
for (const [name, args] of Object.entries(cases)) for (let i = 0; i < 3; i++) run(args, setup[name]);

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(cases)) samples[name].push(run(args, setup[name]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples["node -e 0"]);
console.log(`runs per command: ${runs} (interleaved), medians:`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  const ratio = m / base;
  const verdict = name === "node -e 0" || informational.has(name) ? "" : `  (target ≤ ${target(name)}x: ${ratio <= target(name) ? "met" : "MISSED"})`;
  console.log(`${name.padEnd(32)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x${verdict}`);
}
rmSync(project, { recursive: true, force: true });
