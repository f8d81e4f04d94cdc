// zen installed from packed tarballs, the way users install it, in directories outside the workspace:
// a project with @zen/core, @zen/cli, @zen/integration-s3 and a third-party flavor package
// (examples/zen-integration-memo); the flavor registered and used in a stack; the package uninstalled;
// the guide's six commands (docs/authoring-flavors.md) from an empty project, with no native build in
// the flavor package; a global install; publint on every tarball.
// npm fetches zod, better-sqlite3 (built from source for @zen/cli), Jest… from the registry: allow minutes.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { manifestOf, startLocalRegistry, type LocalRegistry } from "./helpers/local-registry.ts";
import { baseEnv, failure, run, sh, type Result } from "./helpers/processes.ts";
import { WORKSPACE, buildAndPack, type PackedName } from "./helpers/tarballs.ts";

const MINUTES = 60_000;
const keep = process.env.ZEN_KEEP_TEMP === "1";

interface FlavorItem {
  name: string;
  ready: boolean;
  source: { kind: string; package: string; version?: string };
}

/** The commands of the guide's first section, exactly as written there. */
function guideCommands(): string[] {
  const guide = readFileSync(join(WORKSPACE, "docs/authoring-flavors.md"), "utf8");
  const block = /<!-- guide-commands[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(guide);
  if (!block) throw new Error("docs/authoring-flavors.md has no guide-commands block.");
  return block[1]!
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

const base = realpathSync(mkdtempSync(join(tmpdir(), "zen-packaging-")));
const project = join(base, "my-ml-project");
const configDir = join(base, "zen-config");
let tarballs: Record<PackedName, string>;
let registry: LocalRegistry;
let env: Record<string, string>;

/** `npx zen …` in the project, as a user runs it. */
const zen = (args: string, options: { cwd?: string } = {}) => sh(`npx zen ${args}`, { cwd: options.cwd ?? project, env });
const flavorItems = (result: Result) => (JSON.parse(result.stdout) as { items: FlavorItem[] }).items;
const flavorSummary = (items: FlavorItem[]) => items.map((f) => [f.name, f.source.package, f.ready]);

beforeAll(async () => {
  const packed = join(base, "tarballs");
  mkdirSync(packed);
  tarballs = await buildAndPack(packed);
  registry = await startLocalRegistry([tarballs.core, tarballs.cli, tarballs.s3], join(base, "npmrc"));
  env = baseEnv({ ...registry.env, ZEN_CONFIG_PATH: configDir });
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "my-ml-project", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
}, 10 * MINUTES);

afterAll(async () => {
  await registry?.close();
  if (!keep) rmSync(base, { recursive: true, force: true });
});

describe("a project that installs the packed tarballs", () => {
  it(
    "installs @zen/core, @zen/cli, @zen/integration-s3 and zen-integration-memo from their tarballs",
    async () => {
      expect(project.startsWith(WORKSPACE)).toBe(false);
      const installed = await run("npm", ["install", tarballs.core, tarballs.cli, tarballs.s3, tarballs.memo], { cwd: project, env });
      expect(failure(installed)).toEqual({ status: 0, output: "" });
      const core = JSON.parse(readFileSync(join(project, "node_modules/@zen/core/package.json"), "utf8"));
      expect(JSON.stringify(core.exports)).not.toContain("zen-source");
      expect(JSON.parse(readFileSync(join(project, "node_modules/@zen/cli/package.json"), "utf8")).dependencies["@zen/core"]).toBe(`^${core.version}`);
    },
    15 * MINUTES,
  );

  it("lists local, s3 and the third party's memo, each with its package", async () => {
    const json = await zen("artifact-store flavor list --output json");
    expect(failure(json)).toEqual({ status: 0, output: "" });
    const items = flavorItems(json);
    expect(flavorSummary(items)).toEqual(
      expect.arrayContaining([
        ["local", "@zen/core", true],
        ["s3", "@zen/integration-s3", true],
        ["memo", "zen-integration-memo", true],
      ]),
    );
    expect(items.find((f) => f.name === "memo")?.source).toMatchObject({ kind: "package", version: "0.1.0" });

    const table = await zen("artifact-store flavor list");
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/│ local +│ @zen\/core \(built-in\) +│ yes/);
    expect(table.stdout).toMatch(/│ s3 +│ @zen\/integration-s3@0\.1\.0 +│ yes/);
    expect(table.stdout).toMatch(/│ memo +│ zen-integration-memo@0\.1\.0 +│ yes/);
    expect(table.stderr).not.toContain("warning");
  });

  it("registers the memo flavor, validates a stack that uses it, and runs a pipeline on it", async () => {
    const objects = join(project, "memo-objects");
    const steps = [
      `artifact-store register memo_store --flavor memo --path memo://artifacts --root ${objects}`,
      "stack register memo_stack -o default -a memo_store -m default --set",
      "stack validate",
    ];
    for (const step of steps) {
      const result = await zen(step);
      expect({ step, ...failure(result) }).toEqual({ step, status: 0, output: "" });
    }
    expect((await zen("stack validate")).stdout).toContain("Stack 'memo_stack' is valid.");
    const describe = await zen("artifact-store describe memo_store --output json");
    expect(JSON.parse(describe.stdout).item).toMatchObject({ flavor: "memo", config: { path: "memo://artifacts", root: objects } });

    writeFileSync(
      join(project, "pipeline.mjs"),
      `import { pipeline, step } from "@zen/core";
const load = step({ name: "load", run: () => ({ rows: [1, 2, 3] }) });
const count = step({ name: "count", run: (data) => data.rows.length });
export default pipeline("memo_demo", () => {
  count(load());
});
`,
    );
    const ran = await zen("pipeline run pipeline.mjs --run-name memo-run-1");
    expect(failure(ran)).toEqual({ status: 0, output: "" });
    expect(ran.stdout).toContain("Run 'memo-run-1' of pipeline 'memo_demo' completed on stack 'memo_stack'");
    // The artifacts went through the third party's store.
    const stored = readdirSync(objects, { recursive: true }).map(String);
    expect(stored.length).toBeGreaterThan(0);
    const runs = await zen("pipeline runs describe memo-run-1 --output json");
    expect(runs.status).toBe(0);
    expect(runs.stdout).toContain("memo://artifacts");
  });

  it("passes publint: every packed package", async () => {
    for (const [name, file] of Object.entries(tarballs)) {
      const bytes = readFileSync(file);
      const { messages, pkg } = await publint({
        pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
        level: "warning",
      });
      expect({ name, messages: messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`) }).toEqual({ name, messages: [] });
    }
    expect(manifestOf(tarballs.memo)).toMatchObject({ zen: { apiVersion: 1, flavors: "./flavors" }, peerDependencies: { "@zen/core": "^0.1.0" } });
  });

  it(
    "after npm uninstall of the third party, a stack using its flavor names the missing package and everything else works",
    async () => {
      const removed = await run("npm", ["uninstall", "zen-integration-memo"], { cwd: project, env });
      expect(failure(removed)).toEqual({ status: 0, output: "" });

      const validate = await zen("stack validate memo_stack");
      expect(validate.status).toBe(1);
      // The component recorded its flavor's package: named with the install command, like a known one.
      expect(validate.stderr).toContain("Missing package: zen-integration-memo (for artifact store 'memo_store').");
      expect(validate.stderr).toContain("Install it with `npm install zen-integration-memo`.");
      const blocked = await zen("pipeline run pipeline.mjs");
      expect(blocked.status).toBe(1);
      expect(blocked.stderr).toContain("zen-integration-memo");

      const list = await zen("artifact-store flavor list --output json");
      expect(list.status).toBe(0);
      expect(flavorItems(list).map((f) => f.name)).toEqual(["local", "s3"]);
      for (const args of ["stack list", "stack describe memo_stack", "artifact-store list", "profile list", "doctor", "status", "stack set default"]) {
        const result = await zen(args);
        expect({ args, ...failure(result) }).toEqual({ args, status: 0, output: "" });
      }
      const onDefault = await zen("pipeline run pipeline.mjs --run-name default-run-1");
      expect(failure(onDefault)).toEqual({ status: 0, output: "" });
    },
    10 * MINUTES,
  );

  it(
    "follows the guide's six commands from an empty project: a new flavor package that zen discovers, installed without a native build",
    async () => {
      const commands = guideCommands();
      expect(commands.length).toBeLessThanOrEqual(6);
      const fresh = join(base, "guide-project");
      mkdirSync(fresh);
      writeFileSync(join(fresh, "package.json"), `${JSON.stringify({ name: "guide-project", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
      const results: Result[] = [];
      for (const command of commands) {
        const result = await sh(command, { cwd: fresh, env });
        expect({ command, ...failure(result) }).toEqual({ command, status: 0, output: "" });
        results.push(result);
      }
      // The last command is the flavor list: memo, from the new package.
      expect(results.at(-1)!.stdout).toMatch(/│ memo +│ zen-integration-memo@0\.1\.0 +│ yes/);
      expect(registry.requests.get("@zen/core")).toBeGreaterThan(0);

      const authored = join(base, "zen-integration-memo");
      expect(existsSync(join(authored, "dist", "flavors.js"))).toBe(true);
      // The flavor package's install compiled nothing: no SQLite driver, no node-gyp output.
      expect(existsSync(join(authored, "node_modules", "better-sqlite3"))).toBe(false);
      const gypOutputs = (readdirSync(join(authored, "node_modules"), { recursive: true }) as string[]).filter((p) =>
        /(^|\/)build\/(Release|config\.gypi)/.test(p),
      );
      expect(gypOutputs).toEqual([]);
      // The user's project got the driver through @zen/cli's peer dependency.
      expect(existsSync(join(fresh, "node_modules", "better-sqlite3"))).toBe(true);
      // The project of the earlier tests takes the new package too.
      const linked = await run("npm", ["install", authored], { cwd: project, env });
      expect(failure(linked)).toEqual({ status: 0, output: "" });
      // The guide's next steps: the package's own tests and the pre-publish check pass untouched.
      const tested = await sh("npm test --prefix ../zen-integration-memo", { cwd: project, env: { ...env, ZEN_CONFORMANCE_LARGE_MB: "32" } });
      expect(failure(tested)).toEqual({ status: 0, output: "" });
      const checked = await zen("flavor check ../zen-integration-memo");
      expect(failure(checked)).toEqual({ status: 0, output: "" });
      expect(checked.stdout).toContain("Ready to publish");
      const packed = await sh("npm pack", { cwd: authored, env });
      expect(failure(packed)).toEqual({ status: 0, output: "" });
      expect(existsSync(join(authored, "zen-integration-memo-0.1.0.tgz"))).toBe(true);
      expect(packed.stdout + packed.stderr).toContain("Ready to publish");
      // The zen of the flavor package has no SQLite driver: it lists and checks, and a run that needs
      // the sqlite metadata store says what to install.
      const authorEnv = { ...env, ZEN_CONFIG_PATH: join(base, "author-config") };
      const listed = await sh("npx zen artifact-store flavor list", { cwd: authored, env: authorEnv });
      expect(failure(listed)).toEqual({ status: 0, output: "" });
      writeFileSync(
        join(authored, "run.mjs"),
        `import { pipeline, step } from "@zen/core";\nconst one = step({ name: "one", run: () => 1 });\nexport default pipeline("p", () => {\n  one();\n});\n`,
      );
      const noDriver = await sh("npx zen pipeline run run.mjs", { cwd: authored, env: authorEnv });
      rmSync(join(authored, "run.mjs"));
      expect({ status: noDriver.status, output: noDriver.stdout + noDriver.stderr }).toEqual({
        status: 1,
        output: expect.stringMatching(/better-sqlite3, which is not installed[\s\S]*npm install better-sqlite3/),
      });

      // The stack that lost its flavor works again.
      const validate = await zen("stack validate memo_stack");
      expect(failure(validate)).toEqual({ status: 0, output: "" });
      const ran = await zen("pipeline run pipeline.mjs --stack memo_stack --run-name memo-run-2");
      expect(failure(ran)).toEqual({ status: 0, output: "" });
    },
    20 * MINUTES,
  );
});

describe("a global install", () => {
  const prefix = join(base, "global");
  const elsewhere = join(base, "elsewhere");
  const globalZen = (args: string) =>
    sh(`${join(prefix, "bin", "zen")} ${args}`, { cwd: elsewhere, env: { ...env, ZEN_CONFIG_PATH: join(base, "global-config") } });

  it(
    "lists the flavors of packages installed next to the CLI, outside any project",
    async () => {
      mkdirSync(elsewhere, { recursive: true });
      const installed = await run("npm", ["install", "--global", "--prefix", prefix, tarballs.core, tarballs.cli, tarballs.s3, tarballs.memo], {
        cwd: base,
        env,
      });
      expect(failure(installed)).toEqual({ status: 0, output: "" });
      expect(existsSync(join(elsewhere, "package.json"))).toBe(false);

      const list = await globalZen("artifact-store flavor list --output json");
      expect(failure(list)).toEqual({ status: 0, output: "" });
      expect(flavorSummary(flavorItems(list))).toEqual(
        expect.arrayContaining([
          ["local", "@zen/core", true],
          ["s3", "@zen/integration-s3", true],
          ["memo", "zen-integration-memo", true],
        ]),
      );
      const doctor = await globalZen("doctor");
      expect(doctor.stdout).toMatch(/✔ zen-integration-memo \(global\) artifact_store\/memo/);
      expect(doctor.stdout).toMatch(/✔ @zen\/integration-s3 \(global\) artifact_store\/s3/);

      for (const step of [
        `artifact-store register memo_global --flavor memo --path memo://global --root ${join(base, "global-objects")}`,
        "stack register global_stack -o default -a memo_global -m default",
        "stack validate global_stack",
      ]) {
        const result = await globalZen(step);
        expect({ step, ...failure(result) }).toEqual({ step, status: 0, output: "" });
      }
    },
    15 * MINUTES,
  );

  it(
    "after a global uninstall, names the missing package and how to install it globally",
    async () => {
      const removed = await run("npm", ["uninstall", "--global", "--prefix", prefix, "zen-integration-memo"], { cwd: base, env });
      expect(failure(removed)).toEqual({ status: 0, output: "" });
      const validate = await globalZen("stack validate global_stack");
      expect(validate.status).toBe(1);
      expect(validate.stderr).toContain("Missing package: zen-integration-memo (for artifact store 'memo_global').");
      expect(validate.stderr).toContain("Install it with `npm install --global zen-integration-memo`.");
      const list = await globalZen("artifact-store flavor list --output json");
      expect(list.status).toBe(0);
      expect(flavorItems(list).map((f) => f.name)).toEqual(["local", "s3"]);
      expect((await globalZen("stack list")).status).toBe(0);
    },
    5 * MINUTES,
  );
});
