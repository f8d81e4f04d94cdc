import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeProject, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { BaseOrchestrator } from "../src/components/orchestrator.ts";
import { BaseSecretsManager } from "../src/components/secrets-manager.ts";
import { parseYaml } from "../src/fs/yaml-file.ts";
import { Zen } from "../src/zen/index.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { DEFAULT_COMPONENTS, sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

/** A user's project with a TypeScript custom orchestrator flavor that requires a container registry. */
function projectWithRemoteFlavor(): string {
  const project = makeProject();
  writeTree(project, {
    "src/remote.ts": `import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { defineFlavor, BaseOrchestrator } from "@zen/core";
class RemoteOrchestrator extends BaseOrchestrator<{ host: string }> {}
export const remoteFlavor = defineFlavor({
  type: "orchestrator",
  name: "remote",
  description: "Runs pipelines on a remote host",
  config: z.object({ host: z.string() }),
  implementation: async () => RemoteOrchestrator,
  validateStack: (stack, self) =>
    stack.components.container_registry || self.config.host === "localhost"
      ? []
      : [{ message: "it needs a container registry to ship images", hint: "Add one with -c <container-registry>." }],
});
`,
    "src/broken.ts": `import "./does-not-exist.ts";\nexport const x = 1;\n`,
  });
  return project;
}

describe("stack operations", () => {
  it("registers, lists and describes stacks, marking the active one", async () => {
    box = await sandbox();
    const zen = await box.open();
    const record = await zen.registerStack("dev", { ...DEFAULT_COMPONENTS });
    expect(record).toMatchObject({ name: "dev", components: DEFAULT_COMPONENTS, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const stacks = await zen.listStacks();
    expect(stacks.map((s) => [s.name, s.active])).toEqual([
      ["default", true],
      ["dev", false],
    ]);
    const described = await zen.describeStack("dev");
    expect(described.componentRecords.metadata_store).toMatchObject({ name: "default", flavor: "sqlite" });
    expect((await zen.describeStack()).name).toBe("default");
  });

  it("names missing required components and the options to add them; changes nothing", async () => {
    box = await sandbox();
    const zen = await box.open();
    const before = await box.files();
    await expect(zen.registerStack("half", { orchestrator: "default" })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Stack 'half' has no artifact store and metadata store"),
      hint: "Add them with `zen stack register half -a <artifact-store> -m <metadata-store>` (see `zen artifact-store list`).",
    });
    await expect(zen.registerStack("none", {})).rejects.toMatchObject({
      hint: expect.stringContaining("-o <orchestrator> -a <artifact-store> -m <metadata-store>"),
    });
    expect(await box.files()).toEqual(before);
  });

  it("refuses unknown component names (listing the available ones), duplicates, bad names and bad types", async () => {
    box = await sandbox();
    const zen = await box.open();
    const before = await box.files();
    await expect(zen.registerStack("s", { ...DEFAULT_COMPONENTS, artifact_store: "nope" })).rejects.toMatchObject({
      name: "NotFoundError",
      message: "No artifact store named 'nope'.",
      hint: expect.stringContaining("Available artifact stores: default."),
    });
    await expect(zen.registerStack("default", { ...DEFAULT_COMPONENTS })).rejects.toMatchObject({
      name: "ConflictError",
      message: "A stack named 'default' already exists.",
    });
    await expect(zen.registerStack("-x", { ...DEFAULT_COMPONENTS })).rejects.toMatchObject({ name: "ValidationError" });
    await expect(zen.registerStack("s", { ...DEFAULT_COMPONENTS, spaceship: "x" } as never)).rejects.toMatchObject({
      message: "Unknown component type 'spaceship'.",
    });
    expect(await box.files()).toEqual(before);
  });

  it("updates a stack: sets and removes components; refuses removing a required one", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    await zen.registerStack("dev", { ...DEFAULT_COMPONENTS });
    expect((await zen.updateStack("dev", { container_registry: "reg" })).components.container_registry).toBe("reg");
    expect((await zen.updateStack("dev", { container_registry: null })).components.container_registry).toBeUndefined();
    await expect(zen.updateStack("dev", { orchestrator: null })).rejects.toMatchObject({
      name: "ValidationError",
      hint: "Replace it instead: `zen stack update dev -o <orchestrator>`.",
    });
    await expect(zen.updateStack("dev", { container_registry: "ghost" })).rejects.toMatchObject({ name: "NotFoundError" });
    await expect(zen.updateStack("ghost", { container_registry: "reg" })).rejects.toMatchObject({
      name: "NotFoundError",
      message: "No stack named 'ghost'.",
      hint: "Available stacks: default, dev.",
    });
  });

  it("renames a stack and moves the active-stack setting with it", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerStack("dev", { ...DEFAULT_COMPONENTS });
    await zen.setActiveStack("dev");
    await expect(zen.renameStack("dev", "default")).rejects.toMatchObject({ name: "ConflictError" });
    await zen.renameStack("dev", "development");
    expect(zen.context.stack).toEqual({ name: "development", source: "global" });
    const reopened = await box.open();
    expect(reopened.context.stack.name).toBe("development");
    expect((await reopened.describeStack()).name).toBe("development");
  });

  it("refuses to delete the active stack (with the fix), deletes others", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerStack("dev", { ...DEFAULT_COMPONENTS });
    await expect(zen.deleteStack("default")).rejects.toMatchObject({
      name: "ConflictError",
      message: "Stack 'default' is the active stack (from the global config) and cannot be deleted.",
      hint: "Activate another stack first: `zen stack set <other>`.",
    });
    const viaEnv = await box.open({ env: { ...box.env, ZEN_STACK: "dev" } });
    await expect(viaEnv.deleteStack("dev")).rejects.toMatchObject({ hint: expect.stringContaining("ZEN_STACK") });
    // Globally active but overridden by env: still refused.
    await expect(viaEnv.deleteStack("default")).rejects.toMatchObject({
      message: "Stack 'default' is the global active stack of profile 'default' and cannot be deleted.",
    });
    await zen.deleteStack("dev");
    expect((await zen.listStacks()).map((s) => s.name)).toEqual(["default"]);
    await expect(zen.deleteStack("dev")).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("runs flavors' stack validators on register and update, and reports them from validateStack", async () => {
    const project = projectWithRemoteFlavor();
    box = await sandbox();
    const zen = await box.open({ cwd: project });
    const info = await zen.registerCustomFlavor("orchestrator", "./src/remote.ts#remoteFlavor");
    expect(info).toMatchObject({ name: "remote", type: "orchestrator", source: { kind: "custom", specifier: "./src/remote.ts#remoteFlavor", root: project } });
    await zen.registerComponent("orchestrator", "far", "remote", { host: "example.org" });
    await expect(zen.registerStack("remote", { ...DEFAULT_COMPONENTS, orchestrator: "far" })).rejects.toMatchObject({
      name: "ValidationError",
      message: "Stack 'remote' is not valid: Orchestrator 'far': it needs a container registry to ship images.",
      hint: "Add one with -c <container-registry>.",
    });
    await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    await zen.registerStack("remote", { ...DEFAULT_COMPONENTS, orchestrator: "far", container_registry: "reg" });
    await expect(zen.updateStack("remote", { container_registry: null })).rejects.toMatchObject({ name: "ValidationError" });
    expect(await zen.validateStack("remote")).toEqual([]);
    const loaded = await zen.loadStack("remote");
    expect(loaded.orchestrator).toBeInstanceOf(BaseOrchestrator);
    expect(loaded.orchestrator.config).toEqual({ host: "example.org" });
    expect(Object.keys(loaded.components)).toEqual(["orchestrator", "artifact_store", "metadata_store", "container_registry"]);
  });

  it("re-validates the stacks that use a component when its config changes", async () => {
    const project = projectWithRemoteFlavor();
    box = await sandbox();
    const zen = await box.open({ cwd: project });
    await zen.registerCustomFlavor("orchestrator", "./src/remote.ts#remoteFlavor");
    await zen.registerComponent("orchestrator", "near", "remote", { host: "localhost" });
    await zen.registerStack("near", { ...DEFAULT_COMPONENTS, orchestrator: "near" });
    const before = await box.files();
    await expect(zen.updateComponent("orchestrator", "near", { host: "example.org" })).rejects.toMatchObject({
      name: "ValidationError",
      message: "Stack 'near' is not valid: Orchestrator 'near': it needs a container registry to ship images.",
    });
    expect(await box.files()).toEqual(before);
  });

  it("registers a custom flavor only when it imports, showing the real import error", async () => {
    const project = projectWithRemoteFlavor();
    box = await sandbox();
    const zen = await box.open({ cwd: project });
    const before = await box.files();
    await expect(zen.registerCustomFlavor("orchestrator", "./src/broken.ts#x")).rejects.toMatchObject({
      message: expect.stringMatching(/Could not import '\.\/src\/broken\.ts': .*does-not-exist/),
    });
    await expect(zen.registerCustomFlavor("artifact_store", "./src/remote.ts#remoteFlavor")).rejects.toMatchObject({
      name: "ValidationError",
      hint: expect.stringContaining("zen orchestrator flavor register"),
    });
    expect(await box.files()).toEqual(before);
    await zen.registerCustomFlavor("orchestrator", "./src/remote.ts#remoteFlavor");
    const stored = (await parseYaml((await box.files()).stacks!, "stacks.yaml")) as { flavors: Record<string, unknown> };
    expect(stored.flavors).toEqual({ orchestrator: { remote: { specifier: "./src/remote.ts#remoteFlavor", root: project } } });
    const fresh = await Zen.open({ env: box.env, cwd: project });
    expect((await fresh.listFlavors("orchestrator")).map((f) => f.name)).toEqual(["local", "remote"]);
  });

  it("reports every missing package at once, with one install command, before anything runs", async () => {
    box = await sandbox();
    const zen = await box.open();
    // A profile shared with a machine that has the integrations installed: the components exist, the packages don't.
    const file = join(box.configDir, "profiles", "default", "stacks.yaml");
    const doc = (await parseYaml(await readFile(file, "utf8"), file)) as {
      components: Record<string, Record<string, unknown>>;
      stacks: Record<string, unknown>;
    };
    doc.components.artifact_store!.bucket = { id: "a-s3", flavor: "s3", config: { path: "s3://bucket/zen" } };
    doc.components.orchestrator!.kfp = { id: "o-kfp", flavor: "kubeflow", config: {} };
    doc.stacks.cloud = { id: "s-cloud", components: { orchestrator: "kfp", artifact_store: "bucket", metadata_store: "default" } };
    const { stringify } = await import("yaml");
    await writeFile(file, stringify(doc));
    const issues = await zen.validateStack("cloud");
    expect(issues).toEqual([
      {
        message: "Missing packages: @zen/integration-kubeflow (for orchestrator 'kfp'); @zen/integration-s3 (for artifact store 'bucket').",
        hint: "Install them with `npm install --global @zen/integration-kubeflow @zen/integration-s3`.",
      },
    ]);
    await expect(zen.loadStack("cloud")).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Missing packages: @zen/integration-kubeflow"),
      hint: "Install them with `npm install --global @zen/integration-kubeflow @zen/integration-s3`.",
    });
  });

  it("loads the default stack with its built-in implementations", async () => {
    box = await sandbox();
    const zen = await box.open();
    const loaded = await zen.loadStack();
    expect(loaded.name).toBe("default");
    expect(loaded.artifactStore.path).toContain(join(box.configDir, "local_stores"));
    expect(loaded.metadataStore.config).toEqual({ uri: join(loaded.artifactStore.path, "metadata.db") });
    expect(loaded.orchestrator.id).toBe((await zen.getComponent("orchestrator", "default")).id);
  });
});

describe("secrets through the active stack's secrets manager", () => {
  it("needs a secrets manager in the stack, and says how to add one", async () => {
    box = await sandbox();
    const zen = await box.open();
    await expect(zen.listSecrets()).rejects.toMatchObject({
      message: "The active stack 'default' has no secrets manager.",
      hint: expect.stringContaining("zen secrets-manager register local_secrets --flavor local && zen stack update default -x local_secrets"),
    });
  });

  it("registers, lists, masks, reveals, updates and deletes secrets; resolves references in loadStack", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("secrets_manager", "local_secrets", "local", {});
    await zen.updateStack("default", { secrets_manager: "local_secrets" });
    await zen.registerSecret("db", { password: "hunter2" });
    expect(await zen.listSecrets()).toEqual(["db"]);
    expect(await zen.getSecret("db")).toEqual({ password: "****" });
    expect(await zen.getSecret("db", { reveal: true })).toEqual({ password: "hunter2" });
    await zen.updateSecret("db", { password: "better" });
    expect(await zen.getSecret("db", { reveal: true })).toEqual({ password: "better" });
    const loaded = await zen.loadStack();
    expect(loaded.components.secrets_manager).toBeInstanceOf(BaseSecretsManager);
    await zen.deleteSecret("db");
    expect(await zen.listSecrets()).toEqual([]);
    const files = await box.files();
    expect(JSON.stringify(files)).not.toContain("hunter2");
  });
});
