import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addDependency, bumpInstallStamp, flavorPackageFixture, makeProject, makeTempDir, writeTree } from "@zen/test-utils";
import { createFlavorRegistry } from "../src/discovery/registry.ts";
import { discoveryReport } from "../src/discovery/report.ts";
import type { FlavorRegistryOptions } from "../src/discovery/flavor-registry-api.ts";

const CORE_ROOT = fileURLToPath(new URL("..", import.meta.url));

function options(project: string | undefined, cacheDir: string, extra: Partial<FlavorRegistryOptions> = {}): FlavorRegistryOptions {
  return { projectRoot: project, cliRoot: undefined, customFlavors: [], cacheDir, onWarning: () => {}, ...extra };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

describe("discovery cache", () => {
  it("serves list() and find() from a warm cache without importing any package code", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    const marker = join(makeTempDir(), "imports.log");
    flavorPackageFixture({ project, name: "zen-integration-warm", marker, flavors: [{ type: "artifact_store", name: "warm" }] });
    const cold = await discoveryReport(options(project, cacheDir));
    expect(cold.cacheHit).toBe(false);
    expect(lines(marker)).toEqual(["zen-integration-warm"]);
    rmSync(marker);

    const registry = createFlavorRegistry(options(project, cacheDir));
    expect((await registry.list("artifact_store")).map((f) => f.name)).toEqual(["local", "warm"]);
    expect(await registry.find("artifact_store", "warm")).toMatchObject({ ready: true });
    expect(await registry.problems()).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    const warm = await discoveryReport(options(project, cacheDir));
    expect(warm).toMatchObject({ cacheHit: true, cacheFile: cold.cacheFile });
    expect(existsSync(marker)).toBe(false);
  });

  it("rediscovers when the install stamp changes", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-stamp" });
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(false);
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(true);
    bumpInstallStamp(project);
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(false);
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(true);
  });

  it("sees a reinstalled package's new flavors (stale cache)", async () => {
    const project = makeProject({ packageManager: "pnpm" });
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-grow", flavors: [{ type: "alerter", name: "first" }] });
    expect((await createFlavorRegistry(options(project, cacheDir)).list("alerter")).map((f) => f.name)).toEqual(["first"]);
    // A new version is installed: new package.json, new flavors module, new install stamp.
    flavorPackageFixture({
      project,
      name: "zen-integration-grow",
      version: "1.1.0",
      flavorsFile: "flavors-v2.js",
      flavors: [
        { type: "alerter", name: "first" },
        { type: "alerter", name: "second" },
      ],
    });
    bumpInstallStamp(project);
    const registry = createFlavorRegistry(options(project, cacheDir));
    expect((await registry.list("alerter")).map((f) => `${f.name}@${(f.source as { version: string }).version}`)).toEqual(["first@1.1.0", "second@1.1.0"]);
  });

  it("rediscovers when a dependency is added to package.json", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-later", dependency: false, flavors: [{ type: "alerter", name: "later" }] });
    expect(await createFlavorRegistry(options(project, cacheDir)).find("alerter", "later")).toBeUndefined();
    addDependency(project, "zen-integration-later");
    expect(await createFlavorRegistry(options(project, cacheDir)).find("alerter", "later")).toMatchObject({ ready: true });
  });

  it("rediscovers a workspace-linked package when its flavors module changes", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    const workspace = makeTempDir("zen-workspace-");
    // Generate the package elsewhere, then link it in as pnpm does for workspace packages.
    const scratch = makeProject();
    const pkg = flavorPackageFixture({
      project: scratch,
      name: "zen-integration-linked",
      nodeModulesDir: workspace,
      flavors: [{ type: "alerter", name: "linked" }],
    });
    symlinkSync(pkg.root, join(project, "node_modules", "zen-integration-linked"), "dir");
    addDependency(project, "zen-integration-linked", "workspace:*");
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(false);
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(true);
    const later = new Date(Date.now() + 5000);
    writeFileSync(pkg.flavorsFile, `${readFileSync(pkg.flavorsFile, "utf8")}\n// edited\n`);
    utimesSync(pkg.flavorsFile, later, later);
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(false);
  });

  it("ignores the cache with fresh: true and rewrites it atomically", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-fresh" });
    const first = await discoveryReport(options(project, cacheDir));
    const again = await discoveryReport(options(project, cacheDir, { fresh: true }));
    expect(again.cacheHit).toBe(false);
    expect(again.cacheFile).toBe(first.cacheFile);
    expect(readdirSync(join(project, "node_modules", ".cache", "zen"))).toEqual(["discovery-v2.json"]);
  });

  it("recovers from a damaged cache file", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-damaged", flavors: [{ type: "alerter", name: "damaged" }] });
    const { cacheFile } = await discoveryReport(options(project, cacheDir));
    writeFileSync(cacheFile!, "{ not json");
    const report = await discoveryReport(options(project, cacheDir));
    expect(report.cacheHit).toBe(false);
    expect(await createFlavorRegistry(options(project, cacheDir)).find("alerter", "damaged")).toMatchObject({ ready: true });
    expect(JSON.parse(readFileSync(cacheFile!, "utf8")).format).toBe(2);
  });

  it("falls back to <cacheDir>/<sha1(projectRoot)>.json when the project has no node_modules", async () => {
    const project = makeTempDir("zen-bare-");
    writeTree(project, { "package.json": JSON.stringify({ name: "bare", version: "1.0.0" }) });
    const cacheDir = makeTempDir();
    const first = await discoveryReport(options(project, cacheDir));
    expect(first.cacheFile).toBe(join(cacheDir, `${createHash("sha1").update(project).digest("hex")}.json`));
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(true);
    expect(existsSync(join(project, "node_modules"))).toBe(false);
    const outside = await discoveryReport(options(undefined, cacheDir));
    expect(outside.cacheFile?.startsWith(cacheDir)).toBe(true);
  });

  it.each([
    ["null", () => null],
    ["an array", () => []],
    ["a string", () => "index"],
    ["builtins: null", (index: Record<string, unknown>) => ({ ...index, builtins: null })],
    ["a package without flavors", (index: Record<string, unknown>) => ({ ...index, packages: [{ name: "x" }] })],
    ["a null package", (index: Record<string, unknown>) => ({ ...index, packages: [null] })],
    ["problems: {}", (index: Record<string, unknown>) => ({ ...index, problems: {} })],
    ["candidates missing", (index: Record<string, unknown>) => ({ ...index, candidates: undefined })],
    ["formerFlavors: 1", (index: Record<string, unknown>) => ({ ...index, formerFlavors: 1 })],
  ])("discards a cache file of the wrong shape (%s) and rebuilds it", async (_label, damage) => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-shape", flavors: [{ type: "alerter", name: "shape" }] });
    const { cacheFile } = await discoveryReport(options(project, cacheDir));
    const valid = JSON.parse(readFileSync(cacheFile!, "utf8")) as Record<string, unknown>;
    writeFileSync(cacheFile!, JSON.stringify(damage(valid)));
    const registry = createFlavorRegistry(options(project, cacheDir));
    expect((await registry.list("alerter")).map((f) => f.name)).toEqual(["shape"]);
    expect(await registry.find("artifact_store", "local")).toMatchObject({ ready: true, source: { kind: "builtin" } });
    expect(await registry.problems()).toEqual([]);
    // Rebuilt: the next start is a cache hit on a whole index again.
    expect(JSON.parse(readFileSync(cacheFile!, "utf8"))).toMatchObject({ format: 2, builtins: expect.any(Array) });
    expect((await discoveryReport(options(project, cacheDir))).cacheHit).toBe(true);
  });

  it("in a real Node process, a warm start loads neither package code nor zod", () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    const marker = join(makeTempDir(), "imports.log");
    flavorPackageFixture({ project, name: "zen-integration-proc", marker, flavors: [{ type: "artifact_store", name: "proc" }] });
    flavorPackageFixture({ project, name: "zen-integration-proc-cjs", format: "cjs", marker, flavors: [{ type: "alerter", name: "proc-cjs" }] });
    flavorPackageFixture({ project, name: "zen-integration-proc-nopkg", exportPackageJson: false, marker });
    const script = join(makeTempDir(), "run.mts");
    writeFileSync(
      script,
      `import { createFlavorRegistry } from ${JSON.stringify(join(CORE_ROOT, "src/discovery/registry.ts"))};
const registry = createFlavorRegistry({ projectRoot: ${JSON.stringify(project)}, cliRoot: undefined, ` +
        `customFlavors: [], cacheDir: ${JSON.stringify(cacheDir)} });
const flavors = (await registry.list()).filter((f) => f.source.kind === "package").map((f) => f.name);
const problems = (await registry.problems()).map((p) => p.package + ":" + p.phase);
console.log(JSON.stringify({ flavors, problems, zodLoaded: "__zod_globalRegistry" in globalThis }));
`,
    );
    const run = () => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", script], { cwd: CORE_ROOT, encoding: "utf8" }));
    const cold = run();
    // Cold: package code (and zod, to describe configs) load only in the indexing child process.
    expect(cold).toEqual({ flavors: ["proc", "proc-cjs"], problems: ["zen-integration-proc-nopkg:metadata"], zodLoaded: false });
    expect(lines(marker).sort()).toEqual(["zen-integration-proc", "zen-integration-proc-cjs"]);
    rmSync(marker);
    const warm = run();
    expect(warm).toEqual(cold);
    expect(existsSync(marker)).toBe(false);
  });
});
