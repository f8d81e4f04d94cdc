// `zen flavor init`: the package it writes, the options it refuses, and — for every component type —
// that the generated package builds and passes its own tests untouched, with @zen/core and @zen/cli
// installed from their packed tarballs (npm reaches the registry for the dev tools: allow minutes).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COMPONENT_TYPES } from "@zen/core/component-types";
import { ZEN_BIN, sandbox, type Sandbox } from "./run-zen.ts";

const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CORE_DIR = resolve(CLI_DIR, "../core");
const CORE_VERSION = (JSON.parse(readFileSync(join(CORE_DIR, "package.json"), "utf8")) as { version: string }).version;
const MINUTES = 60_000;

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, any>;
}

/**
 * Runs a command in the user's own environment (npm and node-gyp settings, certificates, the shared
 * npm cache: the sandbox's HOME is a temp dir), without what Jest and a parent npm/pnpm script set.
 */
function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  const inherited = Object.entries(process.env).filter(
    ([key, value]) => value !== undefined && !/^npm_/i.test(key) && !/^(NODE_OPTIONS|JEST_WORKER_ID|INIT_CWD|ZEN_.*)$/.test(key),
  ) as [string, string][];
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: {
      ...Object.fromEntries(inherited),
      HOME: process.env.HOME ?? homedir(),
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      npm_config_audit: "false",
      ...extraEnv,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "", output: `${result.stdout}\n${result.stderr}` };
}

describe("zen flavor init", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
  });

  it("writes a ready-to-publish package: zen key, exports, peer range on core, keywords, build/test/check scripts", () => {
    const result = s.zen(["flavor", "init", "--type", "artifact-store", "--name", "memo"]);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Created zen-integration-memo: the artifact store flavor 'memo' in zen-integration-memo");
    const dir = join(s.cwd, "zen-integration-memo");
    expect(
      readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.includes("."))
        .sort(),
    ).toEqual(
      [
        ".gitignore",
        ".npmrc",
        "README.md",
        "jest.config.js",
        "package.json",
        "src/flavors.ts",
        "src/index.ts",
        "src/memo-artifact-store.ts",
        "test/memo-artifact-store.test.ts",
        "tsconfig.json",
        "tsconfig.test.json",
      ].sort(),
    );
    const pkg = readJson(join(dir, "package.json"));
    expect(pkg).toMatchObject({
      name: "zen-integration-memo",
      version: "0.1.0",
      type: "module",
      exports: { ".": "./dist/index.js", "./flavors": "./dist/flavors.js", "./package.json": "./package.json" },
      zen: { apiVersion: 1, flavors: "./flavors" },
      peerDependencies: { "@zen/core": `^${CORE_VERSION}` },
      dependencies: { zod: expect.any(String) },
      // Pinned to the zen that wrote it: installs as generated, even before a release is on npm.
      devDependencies: { "@zen/core": CORE_VERSION, "@zen/cli": CORE_VERSION, typescript: expect.any(String), jest: expect.any(String) },
      // npm publish runs prepublishOnly before prepack: building and checking both happen in prepack.
      scripts: {
        build: "tsc -p tsconfig.json",
        check: "npm run build && zen flavor check .",
        prepack: "npm run check",
        test: "tsc -p tsconfig.test.json && NODE_OPTIONS=--experimental-vm-modules jest",
      },
    });
    expect(Object.keys(pkg.scripts).sort()).toEqual(["build", "check", "prepack", "test"]);
    expect(pkg.description).toBe("Stores pipeline artifacts as objects in a storage service, at memo://<bucket>/<prefix>");
    expect(readJson(join(dir, "tsconfig.test.json"))).toMatchObject({ include: ["src", "test"], compilerOptions: { noEmit: true } });
    expect(readFileSync(join(dir, ".npmrc"), "utf8")).toMatch(/^omit=peer$/m);
    expect(pkg.keywords).toContain("zen-integration");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist"]));

    const flavors = readFileSync(join(dir, "src/flavors.ts"), "utf8");
    expect(flavors).toContain('import { defineFlavor, secretField } from "@zen/core/flavor";');
    expect(flavors).toMatch(/token: secretField\(/);
    expect(flavors).toContain('type: "artifact_store"');
    expect(flavors).toContain('implementation: () => import("./memo-artifact-store.ts").then((m) => m.MemoArtifactStore)');
    expect(flavors).toContain("export default [memoArtifactStore];");
    expect(readFileSync(join(dir, "src/memo-artifact-store.ts"), "utf8")).toContain(
      "export class MemoArtifactStore extends ObjectArtifactStore<MemoArtifactStoreConfig>",
    );
    const test = readFileSync(join(dir, "test/memo-artifact-store.test.ts"), "utf8");
    expect(test).toContain('from "@zen/core/testing"');
    expect(test).toContain("describeArtifactStoreConformance(");
    expect(test).toContain("describeFlavorConformance(memoArtifactStore");
    // One example of the author's own, clearly marked, built with the config the component receives.
    expect(test.match(/EXAMPLE/g)).toHaveLength(2);
    expect(test).toContain('componentTestConfig(memoArtifactStore, { ...validConfig, token: "{{example_secret.token}}" }');
    expect(test).not.toContain("outbox");
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toMatch(/^TODO: what the `memo` artifact store flavor does/m);
    expect(readme).toContain("npm install zen-integration-memo");
    expect(readme).toContain("npx zen artifact-store register my_memo --flavor memo --path=memo://my-bucket/zen");
  });

  it("names the directory after a scoped package's name and derives identifiers from a dashed flavor name", () => {
    const result = s.zen(["flavor", "init", "--type", "experiment_tracker", "--name", "run-log", "--package", "@acme/zen-integration-run-log"]);
    expect(result.status).toBe(0);
    const dir = join(s.cwd, "zen-integration-run-log");
    expect(readJson(join(dir, "package.json")).name).toBe("@acme/zen-integration-run-log");
    const flavors = readFileSync(join(dir, "src/flavors.ts"), "utf8");
    expect(flavors).toContain('name: "run-log"');
    expect(flavors).toContain("export const runLogExperimentTracker = defineFlavor<RunLogExperimentTrackerConfig>({");
    expect(existsSync(join(dir, "src/run-log-experiment-tracker.ts"))).toBe(true);
  });

  it("never writes into a non-empty directory", () => {
    const dir = join(s.cwd, "occupied");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const before = s.snapshot(dir);
    const result = s.zen(["flavor", "init", "occupied", "--type", "orchestrator", "--name", "queue"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${dir} is not empty.`);
    expect(result.stderr).toContain("never overwrites files");
    expect(s.snapshot(dir)).toBe(before);
  });

  it("refuses unknown types, invalid names and built-in flavor names as usage errors, writing nothing", () => {
    const cases: [string[], RegExp][] = [
      [["--type", "database", "--name", "x"], /Unknown component type 'database'[\s\S]*Use one of: orchestrator, artifact-store, metadata-store/],
      [["--type", "orchestrator", "--name", "Not Valid"], /Invalid flavor name 'Not Valid'/],
      [["--type", "artifact-store", "--name", "local"], /'local' is the name of a built-in artifact store flavor[\s\S]*shadow/],
      [["--type", "orchestrator", "--name", "queue", "--package", "Bad Name"], /Invalid npm package name 'Bad Name'/],
    ];
    for (const [args, expected] of cases) {
      const result = s.zen(["flavor", "init", "refused", ...args]);
      expect({ args, status: result.status }).toEqual({ args, status: 2 });
      expect(result.stderr).toMatch(expected);
      expect(existsSync(join(s.cwd, "refused"))).toBe(false);
    }
    const missing = s.zen(["flavor", "init", "refused", "--name", "x"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--type");
  });

  it("installs @zen/core and @zen/cli for development from where --core and --cli say, keeping the peer range", () => {
    const result = s.zen([
      "flavor",
      "init",
      "local-core",
      "--type",
      "metadata-store",
      "--name",
      "ledger",
      "--core",
      "file:../zen/core.tgz",
      "--cli",
      "file:../zen/cli.tgz",
    ]);
    expect(result.status).toBe(0);
    const pkg = readJson(join(s.cwd, "local-core", "package.json"));
    expect(pkg.devDependencies).toMatchObject({ "@zen/core": "file:../zen/core.tgz", "@zen/cli": "file:../zen/cli.tgz" });
    expect(pkg.peerDependencies).toEqual({ "@zen/core": `^${CORE_VERSION}` });
  });

  it("points devDependencies at zen's tarballs or a checkout with --zen-from", () => {
    const tarballs = join(s.cwd, "zen-tarballs");
    mkdirSync(tarballs, { recursive: true });
    for (const name of [`zen-core-${CORE_VERSION}.tgz`, `zen-cli-${CORE_VERSION}.tgz`]) writeFileSync(join(tarballs, name), "");
    const result = s.zen(["flavor", "init", "from-tarballs", "--type", "alerter", "--name", "webhook", "--zen-from", "zen-tarballs"]);
    expect(result.stderr).toBe(result.status === 0 ? result.stderr : "");
    expect(result.status).toBe(0);
    const pkg = readJson(join(s.cwd, "from-tarballs", "package.json"));
    expect(pkg.devDependencies).toMatchObject({
      "@zen/core": `file:../zen-tarballs/zen-core-${CORE_VERSION}.tgz`,
      "@zen/cli": `file:../zen-tarballs/zen-cli-${CORE_VERSION}.tgz`,
    });
    expect(pkg.peerDependencies).toEqual({ "@zen/core": `^${CORE_VERSION}` });

    const checkout = s.zen(["flavor", "init", "from-checkout", "--type", "alerter", "--name", "webhook", "--zen-from", resolve(CORE_DIR, "../..")]);
    expect(checkout.status).toBe(0);
    const fromCheckout = readJson(join(s.cwd, "from-checkout", "package.json"));
    expect(fromCheckout.devDependencies["@zen/core"]).toMatch(/^file:(\.\.\/)+.*packages\/core$/);

    const empty = join(s.cwd, "empty-dir");
    mkdirSync(empty);
    const refused = s.zen(["flavor", "init", "refused-from", "--type", "alerter", "--name", "webhook", "--zen-from", empty]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("holds neither zen's tarballs nor a zen checkout");
    expect(existsSync(join(s.cwd, "refused-from"))).toBe(false);
  });

  it("warns that the @zen scope is zen's own", () => {
    const result = s.zen(["flavor", "init", "scoped", "--type", "alerter", "--name", "pager", "--package", "@zen/integration-pager"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("The @zen scope is for zen's own packages");
  });
});

describe("generated packages build and pass their own tests, untouched", () => {
  const s = sandbox();
  const parent = join(s.cwd, "authors");
  const types = COMPONENT_TYPES.map((t) => t.cliGroup);

  beforeAll(() => {
    // @zen/core and @zen/cli as users get them: packed tarballs (pnpm rewrites workspace: ranges and publishConfig).
    const tarballs = join(s.cwd, "tarballs");
    mkdirSync(tarballs, { recursive: true });
    for (const dir of [CORE_DIR, CLI_DIR]) {
      const packed = run("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", tarballs], dir);
      expect(packed.status).toBe(0);
    }
    mkdirSync(parent, { recursive: true });
    for (const type of types) {
      const result = s.zen(["flavor", "init", type, "--type", type, "--name", "memo"], { cwd: parent });
      expect({ type, status: result.status, stderr: result.stderr }).toMatchObject({ type, status: 0 });
    }
    // One install serves every generated package (Node, tsc and npm scripts look up the tree): the
    // packages' own dev tools at the versions the scaffold wrote, core and cli from the tarballs.
    const generated = readJson(join(parent, "artifact-store", "package.json"));
    const tools = Object.entries({ ...generated.dependencies, ...generated.devDependencies } as Record<string, string>)
      .filter(([name]) => !name.startsWith("@zen/"))
      .map(([name, range]) => `${name}@${range}`);
    const packed = readdirSync(tarballs).map((f) => join(tarballs, f));
    writeFileSync(join(parent, "package.json"), `${JSON.stringify({ name: "flavor-authors", private: true, type: "module" })}\n`);
    // The generated packages' own npm setting: no peers, so no SQLite driver to compile.
    writeFileSync(join(parent, ".npmrc"), readFileSync(join(parent, "artifact-store", ".npmrc")));
    const installed = run("npm", ["install", "--no-save", ...packed, ...tools], parent);
    expect({ status: installed.status, output: installed.status === 0 ? "" : installed.output }).toEqual({ status: 0, output: "" });
    // Nothing native built: better-sqlite3 (a peer of @zen/cli) is not installed, and no node-gyp output anywhere.
    expect(existsSync(join(parent, "node_modules", "better-sqlite3"))).toBe(false);
    const gypOutputs = (readdirSync(join(parent, "node_modules"), { recursive: true }) as string[]).filter((p) =>
      /(^|\/)build\/(Release|config\.gypi)/.test(p),
    );
    expect(gypOutputs).toEqual([]);
  }, 20 * MINUTES);

  afterAll(() => {
    // The installed dev tools are large: never leave them behind (ZEN_KEEP_TEMP=1 keeps them for a look).
    if (process.env.ZEN_KEEP_TEMP !== "1") rmSync(s.cwd, { recursive: true, force: true });
  });

  it(
    "publishes from a fresh copy (no dist): npm publish --dry-run builds once, then checks the new build",
    () => {
      const fresh = join(parent, "fresh-clone");
      mkdirSync(fresh);
      // What a clone has: the generated files, no dist (ignored by .gitignore).
      for (const file of readdirSync(join(parent, "alerter"), { recursive: true }) as string[]) {
        const from = join(parent, "alerter", file);
        if (file.split("/")[0] === "dist" || statSync(from).isDirectory()) continue;
        mkdirSync(dirname(join(fresh, file)), { recursive: true });
        writeFileSync(join(fresh, file), readFileSync(from));
      }
      expect(existsSync(join(fresh, "dist"))).toBe(false);
      const published = run("npm", ["publish", "--dry-run"], fresh, { ZEN_CONFIG_PATH: s.configDir });
      expect({ status: published.status, output: published.status === 0 ? "" : published.output }).toEqual({ status: 0, output: "" });
      expect(published.output.match(/> tsc -p tsconfig\.json/g)).toHaveLength(1);
      expect(published.output).toContain("Ready to publish");
      expect(published.output).toMatch(/dist\/flavors\.js/);
      expect(published.output.indexOf("> tsc -p tsconfig.json")).toBeLessThan(published.output.indexOf("Ready to publish"));
    },
    10 * MINUTES,
  );

  it.each(types)(
    "%s: npm run build, npm test and zen flavor check pass",
    (type) => {
      const dir = join(parent, type);
      const build = run("npm", ["run", "build"], dir);
      expect({ type, status: build.status, output: build.status === 0 ? "" : build.output }).toEqual({ type, status: 0, output: "" });
      expect(existsSync(join(dir, "dist", "flavors.js"))).toBe(true);
      expect(existsSync(join(dir, "dist", "flavors.d.ts"))).toBe(true);

      const test = run("npm", ["test"], dir, { ZEN_CONFORMANCE_LARGE_MB: "16" });
      expect({ type, status: test.status, output: test.status === 0 ? "" : test.output }).toEqual({ type, status: 0, output: "" });
      const summary = /Tests:\s+(\d+) passed, (\d+) total/.exec(test.output);
      expect(summary?.[1]).toBe(summary?.[2]);
      expect(Number(summary?.[1])).toBeGreaterThanOrEqual(5);
      expect(test.output).toContain("flavor conformance");

      const check = run(process.execPath, [ZEN_BIN, "flavor", "check", "--output", "json"], dir, { ZEN_CONFIG_PATH: s.configDir });
      expect(check.status).toBe(0);
      const report = JSON.parse(check.stdout) as { ok: boolean; findings: unknown[]; flavors: { type: string; name: string }[] };
      expect(report).toMatchObject({ ok: true, findings: [], flavors: [{ type: type.replace(/-/g, "_"), name: "memo" }] });
    },
    10 * MINUTES,
  );
});
