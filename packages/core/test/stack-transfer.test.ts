import { describe, expect, it, afterEach } from "@jest/globals";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { bumpInstallStamp, flavorPackageFixture, makeProject, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { readStackExport, sameConfig } from "../src/stack-transfer.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { DEFAULT_COMPONENTS, sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

/** A project with a custom experiment tracker whose `token` is a secret field. */
function projectWithSecretFlavor(): string {
  const project = makeProject();
  writeTree(project, {
    "src/tracker.ts": `import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { defineFlavor, secretField, BaseExperimentTracker } from "@zen/core";
class Tracker extends BaseExperimentTracker<{ url: string; token: string }> {}
export const tracker = defineFlavor({
  type: "experiment_tracker",
  name: "tracker",
  description: "Tracks experiments on a server",
  config: z.object({ url: z.string(), token: secretField("API token") }),
  implementation: async () => Tracker,
});
`,
  });
  return project;
}

describe("stack export", () => {
  it("writes a self-describing document; secret fields keep their references", async () => {
    const project = projectWithSecretFlavor();
    box = await sandbox();
    const zen = await box.open({ cwd: project });
    await zen.registerCustomFlavor("experiment_tracker", "./src/tracker.ts#tracker");
    await expect(zen.registerComponent("experiment_tracker", "t", "tracker", { url: "https://t.example", token: "plain-secret" })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.not.stringContaining("plain-secret"),
    });
    await zen.registerComponent("experiment_tracker", "t", "tracker", { url: "https://t.example", token: "{{tracker.token}}" });
    await zen.registerStack("tracked", { ...DEFAULT_COMPONENTS, experiment_tracker: "t" });
    const doc = await zen.exportStack("tracked");
    expect(doc).toMatchObject({
      format: "zen-stack",
      formatVersion: 1,
      zenVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      stack: { name: "tracked" },
      components: {
        orchestrator: { name: "default", flavor: "local", config: {} },
        experiment_tracker: { name: "t", flavor: "tracker", config: { url: "https://t.example", token: "{{tracker.token}}" } },
      },
    });
    expect(Object.keys(doc.components)).toEqual(["orchestrator", "artifact_store", "metadata_store", "experiment_tracker"]);

    // The reference resolves through the stack's secrets manager when the stack is loaded.
    await zen.registerComponent("secrets_manager", "vault", "local", {});
    await zen.updateStack("tracked", { secrets_manager: "vault" });
    await zen.setActiveStack("tracked");
    await zen.registerSecret("tracker", { token: "s3cr3t-value" });
    const loaded = await zen.loadStack("tracked");
    expect(loaded.components.experiment_tracker!.config).toEqual({ url: "https://t.example", token: "s3cr3t-value" });
    expect(JSON.stringify(await zen.exportStack("tracked"))).not.toContain("s3cr3t-value");
    expect(JSON.stringify(await box.files())).not.toContain("s3cr3t-value");
  });
});

describe("stack import", () => {
  it("imports into another profile, then reuses identical components in the same profile", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    await zen.registerComponent("artifact_store", "shared", "local", { path: "/srv/artifacts" });
    await zen.registerComponent("metadata_store", "shared", "sqlite", { uri: "/srv/artifacts/metadata.db" });
    const components = { orchestrator: "default", artifact_store: "shared", metadata_store: "shared", container_registry: "reg" };
    await zen.registerStack("shipped", components);
    const doc = JSON.parse(JSON.stringify(await zen.exportStack("shipped"))) as unknown;

    await zen.createProfile("other");
    const other = await box.open({ profile: "other" });
    const imported = await other.importStack(doc);
    expect(imported.components).toEqual(components);
    // The other profile's own `default` orchestrator is identical (no config), so it was reused.
    expect(await other.listComponents("orchestrator")).toHaveLength(1);
    expect((await other.getComponent("container_registry", "reg")).config).toEqual({ uri: "localhost:5000" });

    const countBefore = (await zen.listComponents("container_registry")).length;
    const again = await zen.importStack(doc, { name: "shipped-again" });
    expect(again.components.container_registry).toBe("reg");
    expect(await zen.listComponents("container_registry")).toHaveLength(countBefore);
  });

  it("names the package a flavor came from, so an import where it is missing says what to install", async () => {
    const team = makeProject();
    flavorPackageFixture({ project: team, name: "zen-integration-lake", flavors: [{ type: "artifact_store", name: "lake" }] });
    box = await sandbox();
    const zen = await box.open({ cwd: team });
    expect((await zen.registerComponent("artifact_store", "lake", "lake", { path: "lake://bucket" })).package).toBe("zen-integration-lake");
    await zen.registerStack("lakeside", { ...DEFAULT_COMPONENTS, artifact_store: "lake" });
    const doc = JSON.parse(JSON.stringify(await zen.exportStack("lakeside"))) as { components: Record<string, unknown> };
    expect(doc.components.artifact_store).toEqual({ name: "lake", flavor: "lake", package: "zen-integration-lake", config: { path: "lake://bucket" } });
    expect(doc.components.orchestrator).not.toHaveProperty("package"); // built-in

    // A colleague's project without the package: one error naming it, with the install command.
    await zen.createProfile("colleague");
    const colleague = await box.open({ cwd: makeProject(), profile: "colleague" });
    await expect(colleague.importStack(doc)).rejects.toMatchObject({
      message: "Stack 'lakeside' is not valid: Missing package: zen-integration-lake (for artifact store 'lake').",
      hint: expect.stringContaining("npm install zen-integration-lake"),
    });
    expect((await colleague.listStacks()).map((s) => s.name)).toEqual(["default"]);

    // Uninstalled where it was registered: the stack names it too, even with discovery's memory gone.
    rmSync(join(team, "node_modules", "zen-integration-lake"), { recursive: true });
    rmSync(join(team, "node_modules", ".cache"), { recursive: true, force: true });
    bumpInstallStamp(team);
    const after = await box.open({ cwd: team });
    expect(await after.validateStack("lakeside")).toEqual([
      { message: "Missing package: zen-integration-lake (for artifact store 'lake').", hint: expect.stringContaining("npm install zen-integration-lake") },
    ]);
  });

  it("refuses a differently configured name clash with a hint, and an existing stack name; changes nothing", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    await zen.registerStack("shipped", { ...DEFAULT_COMPONENTS, container_registry: "reg" });
    const doc = await zen.exportStack("shipped");
    await zen.updateComponent("container_registry", "reg", { uri: "localhost:6000" });
    const before = await box.files();
    await expect(zen.importStack(doc, { name: "copy" })).rejects.toMatchObject({
      name: "ConflictError",
      message: "A container registry named 'reg' already exists with a different configuration.",
      hint: expect.stringContaining("zen container-registry rename reg <new-name>"),
    });
    await expect(zen.importStack(doc)).rejects.toMatchObject({
      name: "ConflictError",
      message: "A stack named 'shipped' already exists.",
      hint: expect.stringContaining("--name"),
    });
    expect(await box.files()).toEqual(before);
  });

  it("accepts ZenML 0.9's export format and refuses newer or foreign documents", async () => {
    box = await sandbox();
    const zen = await box.open();
    const legacy = {
      zenml_version: "0.9.0",
      stack_name: "from_zenml",
      components: {
        orchestrator: { name: "default", flavor: "local" },
        artifact_store: { name: "zenml_store", path: "/tmp/zenml-artifacts", flavor: "local", uuid: "u-1" },
        metadata_store: { name: "zenml_meta", uri: "/tmp/zenml-artifacts/metadata.db", flavor: "sqlite" },
      },
    };
    const record = await zen.importStack(legacy);
    expect(record.components).toEqual({ orchestrator: "default", artifact_store: "zenml_store", metadata_store: "zenml_meta" });
    expect((await zen.getComponent("artifact_store", "zenml_store")).config).toEqual({ path: "/tmp/zenml-artifacts" });

    await expect(zen.importStack({ format: "zen-stack", formatVersion: 2, stack: { name: "x" }, components: {} })).rejects.toMatchObject({
      code: "ZEN_FORMAT_TOO_NEW",
    });
    await expect(zen.importStack({ hello: "world" })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("This is not a stack export"),
    });
    await expect(
      zen.importStack({
        format: "zen-stack",
        formatVersion: 1,
        stack: { name: "bad" },
        components: { artifact_store: { name: "b", flavor: "local", config: { path: "s3://x" } } },
      }),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("not a URL") });
  });

  it("compares configurations structurally", () => {
    expect(sameConfig({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameConfig({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameConfig({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(readStackExport({ format: "zen-stack", formatVersion: 1, stack: { name: "s" }, components: {} })).toEqual({
      stackName: "s",
      components: {},
    });
  });
});

describe("stack copy", () => {
  it("copies within a profile, sharing the components", async () => {
    box = await sandbox();
    const zen = await box.open();
    const copy = await zen.copyStack("default", "default-copy");
    expect(copy.components).toEqual(DEFAULT_COMPONENTS);
    expect(await zen.listComponents("orchestrator")).toHaveLength(1);
    await expect(zen.copyStack("default", "default-copy")).rejects.toMatchObject({ name: "ConflictError" });
    await expect(zen.copyStack("ghost", "x")).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("copies to another profile, keeping ids and renaming differently configured clashes", async () => {
    const project = projectWithSecretFlavor();
    box = await sandbox();
    const zen = await box.open({ cwd: project });
    await zen.registerCustomFlavor("experiment_tracker", "./src/tracker.ts#tracker");
    await zen.registerComponent("experiment_tracker", "t", "tracker", { url: "https://t.example", token: "{{tracker.token}}" });
    await zen.registerStack("tracked", { ...DEFAULT_COMPONENTS, experiment_tracker: "t" });
    await zen.createProfile("prod");
    const source = await zen.describeStack("tracked");

    const copied = await zen.copyStack("tracked", "tracked", { toProfile: "prod" });
    const prod = await box.open({ cwd: project, profile: "prod" });
    const target = await prod.describeStack("tracked");
    // prod has its own `default` components (other paths): the copies get new names; the tracker keeps its id.
    expect(copied.components).toEqual({
      orchestrator: "default",
      artifact_store: "default-tracked",
      metadata_store: "default-tracked",
      experiment_tracker: "t",
    });
    expect(target.componentRecords.experiment_tracker!.id).toBe(source.componentRecords.experiment_tracker!.id);
    expect(target.componentRecords.artifact_store!.config).toEqual(source.componentRecords.artifact_store!.config);
    // The custom flavor travelled with the stack.
    expect((await prod.listFlavors("experiment_tracker")).map((f) => f.name)).toContain("tracker");
    expect(await prod.validateStack("tracked")).toEqual([]);
    // The source profile is unchanged.
    expect((await zen.listStacks()).map((s) => s.name)).toEqual(["default", "tracked"]);
  });
});
