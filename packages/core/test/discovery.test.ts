import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject, makeTempDir, rejectionOf, writeTree } from "@zen/test-utils";
import { createFlavorRegistry } from "../src/discovery/registry.ts";
import { discoveryReport } from "../src/discovery/report.ts";
import { corePackage } from "../src/discovery/core-package.ts";
import type { FlavorRegistryOptions } from "../src/discovery/flavor-registry-api.ts";
import { isZenError } from "../src/errors.ts";

function options(project: string | undefined, extra: Partial<FlavorRegistryOptions> = {}): FlavorRegistryOptions {
  return { projectRoot: project, cliRoot: undefined, customFlavors: [], cacheDir: makeTempDir("zen-cache-"), onWarning: () => {}, ...extra };
}

describe("flavor discovery", () => {
  it("finds an ESM flavor package in dependencies and describes its config from the cache-able index", async () => {
    const project = makeProject();
    const pkg = flavorPackageFixture({
      project,
      name: "zen-integration-blob",
      version: "2.3.4",
      flavors: [
        {
          type: "artifact_store",
          name: "blob",
          description: "Blob storage",
          config:
            `z.object({ path: z.string().describe("Bucket path"), token: z.string().meta({ "x-zen-secret": true }).optional(), ` +
            "retries: z.number().int().default(3) })",
        },
      ],
    });
    const registry = createFlavorRegistry(options(project));
    const info = await registry.find("artifact_store", "blob");
    expect(info).toMatchObject({
      type: "artifact_store",
      name: "blob",
      description: "Blob storage",
      source: { kind: "package", package: "zen-integration-blob", version: "2.3.4", root: pkg.root },
      secretFields: ["token"],
      ready: true,
    });
    expect(info?.configSchema).toMatchObject({ type: "object", properties: { path: { type: "string", description: "Bucket path" } }, required: ["path"] });
    const flavor = await registry.load("artifact_store", "blob");
    expect(flavor.$$type).toBe("@zen/Flavor");
    expect(flavor.name).toBe("blob");
    expect(await registry.problems()).toEqual([]);
  });

  it("finds a CJS flavor package (module.exports and TypeScript's exports.default) in devDependencies", async () => {
    const project = makeProject();
    flavorPackageFixture({
      project,
      name: "zen-integration-cjs",
      format: "cjs",
      dependency: "devDependencies",
      flavors: [{ type: "orchestrator", name: "cjs-plain" }],
    });
    flavorPackageFixture({
      project,
      name: "zen-integration-cjs-interop",
      format: "cjs",
      cjsInterop: true,
      flavors: [{ type: "orchestrator", name: "cjs-interop" }],
    });
    const registry = createFlavorRegistry(options(project));
    const names = (await registry.list("orchestrator")).map((f) => `${f.name}:${f.source.kind}`);
    expect(names).toEqual(["cjs-interop:package", "cjs-plain:package", "local:builtin"]);
    expect((await registry.load("orchestrator", "cjs-plain")).type).toBe("orchestrator");
    expect((await registry.load("orchestrator", "cjs-interop")).name).toBe("cjs-interop");
  });

  it("accepts a package whose flavors use defineFlavor from its own @zen/core", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-real", style: "core", flavors: [{ type: "alerter", name: "pager" }] });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.find("alerter", "pager")).toMatchObject({ ready: true, source: { package: "zen-integration-real" } });
    expect(await registry.problems()).toEqual([]);
  });

  it("ignores ordinary dependencies silently and lists the built-ins", async () => {
    const project = makeProject({ dependencies: { "left-pad": "^1.0.0", "not-installed": "^1.0.0" } });
    writeTree(project, { "node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", version: "1.3.0" }) });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.problems()).toEqual([]);
    const all = await registry.list();
    expect(all.every((f) => f.source.kind === "builtin")).toBe(true);
    expect(all.map((f) => `${f.type}/${f.name}`)).toEqual([
      "orchestrator/local",
      "artifact_store/local",
      "metadata_store/sqlite",
      "container_registry/default",
      "secrets_manager/local",
    ]);
  });

  it("reports a package that throws on import once, with its cause, and keeps the others working", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-broken", throwOnImport: "Cannot find module 'aws-sdk-missing'" });
    flavorPackageFixture({ project, name: "zen-integration-fine", flavors: [{ type: "artifact_store", name: "fine" }] });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ package: "zen-integration-broken", phase: "import" });
    expect(problems[0]!.message).toContain("Cannot find module 'aws-sdk-missing'");
    expect(problems[0]!.detail).toContain("zen-integration-broken/flavors.js");
    expect(await registry.find("artifact_store", "fine")).toMatchObject({ ready: true });
    expect((await registry.load("artifact_store", "fine")).name).toBe("fine");
  });

  it("shows a broken known package's flavors as not ready, and load() explains why", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "@zen/integration-s3", throwOnImport: "boom in s3", flavors: [{ type: "artifact_store", name: "s3" }] });
    const registry = createFlavorRegistry(options(project));
    const s3 = await registry.find("artifact_store", "s3");
    expect(s3).toMatchObject({ ready: false, source: { kind: "package", package: "@zen/integration-s3" } });
    expect(s3?.problem).toContain("boom in s3");
    const error = await rejectionOf(registry.load("artifact_store", "s3"));
    expect(isZenError(error)).toBe(true);
    expect(error.message).toBe("The artifact store flavor 's3' cannot be used: '@zen/integration-s3' failed to load: boom in s3.");
    expect(error.hint).toContain("Reinstall @zen/integration-s3");
  });

  it("checks apiVersion before importing anything", async () => {
    const project = makeProject();
    const marker = join(makeTempDir(), "imported.txt");
    flavorPackageFixture({ project, name: "zen-integration-future", apiVersion: 2, marker });
    flavorPackageFixture({ project, name: "zen-integration-nonint", apiVersion: "1", marker });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems.map((p) => [p.package, p.phase])).toEqual([
      ["zen-integration-future", "compat"],
      ["zen-integration-nonint", "metadata"],
    ]);
    expect(problems[0]!.message).toContain("flavor API version 2");
    expect(problems[0]!.hint).toContain("Upgrade @zen/cli");
    expect(existsSync(marker)).toBe(false);
  });

  it("checks the peer range on @zen/core before importing anything", async () => {
    const project = makeProject();
    const marker = join(makeTempDir(), "imported.txt");
    flavorPackageFixture({ project, name: "zen-integration-old", peerRange: ">=99.0.0", marker });
    flavorPackageFixture({ project, name: "zen-integration-ok", peerRange: `^${corePackage().version}`, flavors: [{ type: "alerter", name: "ok" }] });
    flavorPackageFixture({ project, name: "zen-integration-ws", peerRange: "workspace:^", flavors: [{ type: "alerter", name: "ws" }] });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ package: "zen-integration-old", phase: "compat" });
    expect(problems[0]!.message).toBe(`'zen-integration-old' requires @zen/core >=99.0.0, but this is @zen/core ${corePackage().version}.`);
    expect(existsSync(marker)).toBe(false);
    expect((await registry.list("alerter")).map((f) => f.name)).toEqual(["ok", "ws"]);
  });

  it("reports exports without ./package.json or without the flavors subpath", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-nopkg", exportPackageJson: false });
    flavorPackageFixture({ project, name: "zen-integration-nosub", exportFlavors: false });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems.map((p) => [p.package, p.phase])).toEqual([
      ["zen-integration-nopkg", "metadata"],
      ["zen-integration-nosub", "metadata"],
    ]);
    expect(problems[0]!.message).toContain('does not export "./package.json"');
    expect(problems[0]!.hint).toContain('"./package.json": "./package.json"');
    expect(problems[1]!.message).toContain('does not export "./flavors"');
  });

  it("reports a module whose entries are not flavors, and a malformed zen key", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-plain", notAFlavor: true });
    flavorPackageFixture({ project, name: "zen-integration-badkey", zen: { apiVersion: 1, flavors: "flavors.js" } });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems.map((p) => [p.package, p.phase])).toEqual([
      ["zen-integration-plain", "brand"],
      ["zen-integration-badkey", "metadata"],
    ]);
    expect(problems[0]!.message).toContain("is not a flavor made with defineFlavor");
  });

  it("makes a flavor provided by two packages unusable by name, naming both packages once; each package still loads its own", async () => {
    const project = makeProject();
    flavorPackageFixture({
      project,
      name: "zen-integration-one",
      flavors: [
        { type: "artifact_store", name: "same" },
        { type: "artifact_store", name: "only-one" },
      ],
    });
    flavorPackageFixture({ project, name: "zen-integration-two", flavors: [{ type: "artifact_store", name: "same" }] });
    const registry = createFlavorRegistry(options(project));
    const problems = await registry.problems();
    expect(problems).toEqual([
      expect.objectContaining({
        phase: "duplicate",
        message: "Packages 'zen-integration-one' and 'zen-integration-two' both provide the artifact store flavor 'same'.",
      }),
    ]);
    const same = await registry.find("artifact_store", "same");
    expect(same).toMatchObject({ ready: false, source: { package: "zen-integration-one" } });
    expect(same?.shadows).toEqual([expect.objectContaining({ package: "zen-integration-two" })]);
    expect(await registry.find("artifact_store", "only-one")).toMatchObject({ ready: true });
    const error = await rejectionOf(registry.load("artifact_store", "same"));
    expect(error.message).toContain("both provide");
    // A component registered with one of them keeps loading that one.
    for (const pkg of ["zen-integration-one", "zen-integration-two"]) {
      expect(await registry.load("artifact_store", "same", { package: pkg })).toMatchObject({ name: "same", description: `same flavor from ${pkg}` });
    }
  });

  it("never lets a package take a built-in flavor's name: the built-in is used and the claim is a conflict", async () => {
    const project = makeProject();
    flavorPackageFixture({
      project,
      name: "zen-integration-hijack",
      flavors: [
        { type: "artifact_store", name: "local", description: "third-party local" },
        { type: "alerter", name: "fine" },
      ],
    });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.find("artifact_store", "local")).toMatchObject({ ready: true, source: { kind: "builtin" } });
    expect((await registry.list("artifact_store")).filter((f) => f.name === "local")).toHaveLength(1);
    expect(await registry.problems()).toEqual([
      expect.objectContaining({
        package: "zen-integration-hijack",
        phase: "conflict",
        message: "Package 'zen-integration-hijack' provides the artifact store flavor 'local', which is built into zen: the built-in one is used.",
      }),
    ]);
    const local = await registry.load("artifact_store", "local");
    expect(local.description).toBe("Stores artifacts in a directory on this machine");
    // Its other flavors are fine; a component registered with the package's own flavor keeps it.
    expect(await registry.find("alerter", "fine")).toMatchObject({ ready: true });
    expect(await registry.load("artifact_store", "local", { package: "zen-integration-hijack" })).toMatchObject({ description: "third-party local" });
    const report = await discoveryReport(options(project));
    expect(report.candidates.find((c) => c.package === "zen-integration-hijack")).toMatchObject({
      status: "ok",
      problem: expect.stringContaining("built into zen"),
    });
  });

  it("names the recorded package when it no longer provides the flavor, even if another source has the name", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-other", flavors: [{ type: "alerter", name: "moved" }] });
    const registry = createFlavorRegistry(options(project));
    const error = await rejectionOf(registry.load("alerter", "moved", { package: "zen-integration-gone" }));
    expect(error.message).toBe("No alerter flavor 'moved': it came from zen-integration-gone, which is no longer installed.");
  });

  it("indexes package code in a child process: a package that exits or prints while imported is broken, the rest is fine", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-exits", exitOnImport: 0, flavors: [{ type: "alerter", name: "exits" }] });
    flavorPackageFixture({ project, name: "zen-integration-prints", printOnImport: "noise\n", flavors: [{ type: "alerter", name: "prints" }] });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.find("alerter", "prints")).toMatchObject({ ready: true });
    expect(await registry.problems()).toEqual([
      expect.objectContaining({
        package: "zen-integration-exits",
        phase: "import",
        message: "'zen-integration-exits' called process.exit(0) while its flavors module was imported.",
      }),
    ]);
  });

  it("marks a single flavor built for another API version as not ready", async () => {
    const project = makeProject();
    flavorPackageFixture({
      project,
      name: "zen-integration-mixed",
      flavors: [
        { type: "alerter", name: "new", apiVersion: 2 },
        { type: "alerter", name: "good" },
      ],
    });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.find("alerter", "new")).toMatchObject({ ready: false });
    expect(await registry.find("alerter", "good")).toMatchObject({ ready: true });
    expect((await registry.problems())[0]).toMatchObject({ phase: "compat", package: "zen-integration-mixed" });
  });

  it("looks at the project's dependency lists, not every transitive dependency, when the CLI is installed in the project", async () => {
    const project = makeProject({ devDependencies: { "@zen/cli": "^0.1.0" } });
    const cliRoot = join(project, "node_modules", "@zen", "cli");
    writeTree(cliRoot, { "package.json": JSON.stringify({ name: "@zen/cli", version: "0.1.0", dependencies: { "@zen/core": "0.1.0" } }) });
    flavorPackageFixture({ project, name: "zen-integration-declared", flavors: [{ type: "alerter", name: "declared" }] });
    // Installed by the package manager as dependencies of dependencies, declared nowhere:
    writeTree(join(project, "node_modules", "left-pad"), { "package.json": JSON.stringify({ name: "left-pad", version: "1.0.0" }) });
    flavorPackageFixture({ project, name: "zen-integration-transitive", dependency: false, flavors: [{ type: "alerter", name: "transitive" }] });
    const report = await discoveryReport(options(project, { cliRoot }));
    expect(report.candidates.map((c) => [c.package, c.origin]).sort()).toEqual([
      ["@zen/cli", "project"],
      ["@zen/core", "cli"],
      ["zen-integration-declared", "project"],
    ]);
  });

  it("looks at the declared dependencies of the package whose node_modules holds the CLI", async () => {
    const owner = makeProject({ dependencies: { "@zen/cli": "^0.1.0" } });
    const cliRoot = join(owner, "node_modules", "@zen", "cli");
    writeTree(cliRoot, { "package.json": JSON.stringify({ name: "@zen/cli", version: "0.1.0" }) });
    flavorPackageFixture({ project: owner, name: "zen-integration-beside", flavors: [{ type: "alerter", name: "beside" }] });
    writeTree(join(owner, "node_modules", "left-pad"), { "package.json": JSON.stringify({ name: "left-pad", version: "1.0.0" }) });
    // Run from another project (or none): the CLI's neighbours are its owner's declared dependencies.
    const report = await discoveryReport(options(undefined, { cliRoot }));
    expect(report.candidates.map((c) => [c.package, c.origin]).sort()).toEqual([
      ["@zen/cli", "global"],
      ["zen-integration-beside", "global"],
    ]);
    expect(report.candidates.find((c) => c.package === "zen-integration-beside")).toMatchObject({ status: "ok" });
  });

  it("finds packages installed next to a global CLI, and the CLI's own dependencies", async () => {
    const prefix = makeTempDir("zen-global-");
    const globalModules = join(prefix, "lib", "node_modules");
    const cliRoot = join(globalModules, "@zen", "cli");
    mkdirSync(cliRoot, { recursive: true });
    writeFileSync(join(cliRoot, "package.json"), JSON.stringify({ name: "@zen/cli", version: "0.1.0", dependencies: { "zen-integration-bundled": "^1.0.0" } }));
    const scratch = makeProject();
    flavorPackageFixture({ project: scratch, name: "@zen/integration-gcs", nodeModulesDir: globalModules, flavors: [{ type: "artifact_store", name: "gcs" }] });
    flavorPackageFixture({ project: scratch, name: "zen-integration-bundled", nodeModulesDir: globalModules, flavors: [{ type: "alerter", name: "bundled" }] });
    // A global `zen` run outside any project:
    const registry = createFlavorRegistry(options(undefined, { cliRoot }));
    expect(await registry.find("artifact_store", "gcs")).toMatchObject({ ready: true, source: { package: "@zen/integration-gcs" } });
    expect(await registry.find("alerter", "bundled")).toMatchObject({ ready: true });
    const report = await discoveryReport(options(undefined, { cliRoot }));
    expect(report.candidates.find((c) => c.package === "zen-integration-bundled")).toMatchObject({ origin: "cli", status: "ok" });
    expect(report.candidates.find((c) => c.package === "@zen/integration-gcs")).toMatchObject({
      origin: "global",
      status: "ok",
      flavors: ["artifact_store/gcs"],
    });
    expect(report.candidates.find((c) => c.package === "@zen/cli")).toMatchObject({ status: "ignored" });
  });

  it("prefers the project's copy of a package over the one next to the CLI", async () => {
    const prefix = makeTempDir("zen-global-");
    const globalModules = join(prefix, "lib", "node_modules");
    const cliRoot = join(globalModules, "@zen", "cli");
    mkdirSync(cliRoot, { recursive: true });
    writeFileSync(join(cliRoot, "package.json"), JSON.stringify({ name: "@zen/cli", version: "0.1.0" }));
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-both", version: "2.0.0", flavors: [{ type: "alerter", name: "both" }] });
    flavorPackageFixture({
      project,
      name: "zen-integration-both",
      version: "1.0.0",
      nodeModulesDir: globalModules,
      flavors: [{ type: "alerter", name: "both" }],
    });
    const registry = createFlavorRegistry(options(project, { cliRoot }));
    expect(await registry.find("alerter", "both")).toMatchObject({ ready: true, source: { version: "2.0.0" } });
    expect(await registry.problems()).toEqual([]);
  });

  it("survives a project package.json that is not valid JSON, naming the file", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-afterfix", flavors: [{ type: "alerter", name: "afterfix" }] });
    const valid = readFileSync(join(project, "package.json"), "utf8");
    writeFileSync(join(project, "package.json"), "{ not json");
    const registry = createFlavorRegistry(options(project, { cacheDir }));
    expect((await registry.list("artifact_store")).map((f) => f.name)).toEqual(["local"]);
    const problems = await registry.problems();
    expect(problems).toEqual([expect.objectContaining({ phase: "metadata", hint: "Fix the JSON syntax of that file." })]);
    expect(problems[0]!.message).toContain(`${join(project, "package.json")} is not valid JSON`);
    writeFileSync(join(project, "package.json"), valid);
    expect(await createFlavorRegistry(options(project, { cacheDir })).find("alerter", "afterfix")).toMatchObject({ ready: true });
  });

  it("gives zen doctor a report of every candidate", async () => {
    const project = makeProject({ dependencies: { "left-pad": "^1.0.0" } });
    writeTree(project, { "node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", version: "1.3.0" }) });
    flavorPackageFixture({ project, name: "zen-integration-good", flavors: [{ type: "alerter", name: "good" }] });
    flavorPackageFixture({ project, name: "zen-integration-bad", throwOnImport: "nope" });
    const report = await discoveryReport(options(project));
    expect(report.cacheHit).toBe(false);
    expect(report.cacheFile).toBe(join(project, "node_modules", ".cache", "zen", "discovery-v2.json"));
    const byName = Object.fromEntries(report.candidates.map((c) => [c.package, c]));
    expect(byName["left-pad"]).toMatchObject({ status: "ignored", flavors: [] });
    expect(byName["zen-integration-good"]).toMatchObject({ status: "ok", flavors: ["alerter/good"], origin: "project" });
    expect(byName["zen-integration-bad"]).toMatchObject({ status: "broken" });
    expect(byName["zen-integration-bad"]!.problem).toContain("nope");
    expect(report.problems).toHaveLength(1);
    const cached = JSON.parse(readFileSync(report.cacheFile!, "utf8"));
    expect(cached.packages.map((p: { name: string }) => p.name)).toEqual(["zen-integration-good"]);
  });
});
