import { describe, expect, it, afterEach } from "@jest/globals";
import { join } from "node:path";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { DEFAULT_COMPONENTS, sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

describe("component operations", () => {
  it("registers a component validated by its flavor and lists and gets it", async () => {
    box = await sandbox();
    const zen = await box.open();
    const record = await zen.registerComponent("artifact_store", "mine", "local", { path: join(box.root, "artifacts") });
    expect(record).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "mine",
      type: "artifact_store",
      flavor: "local",
      config: { path: join(box.root, "artifacts") },
    });
    expect((await zen.listComponents("artifact_store")).map((c) => c.name)).toEqual(["default", "mine"]);
    expect(await zen.getComponent("artifact_store", "mine")).toEqual(record);
    // A second process sees it.
    const again = await box.open();
    expect((await again.getComponent("artifact_store", "mine")).id).toBe(record.id);
  });

  it("refuses bad input with one sentence and a hint, changing no file", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("artifact_store", "mine", "local", { path: "/tmp/a" });
    const before = await box.files();
    await expect(zen.registerComponent("artifact_store", "bad name", "local", { path: "/x" })).rejects.toMatchObject({
      name: "ValidationError",
      message: 'Invalid artifact store name "bad name".',
      hint: expect.stringContaining("letters, digits"),
    });
    await expect(zen.registerComponent("artifact_store", "mine", "local", { path: "/x" })).rejects.toMatchObject({
      name: "ConflictError",
      message: "An artifact store named 'mine' already exists.",
    });
    await expect(zen.registerComponent("artifact_store", "x", "nosuch", { path: "/x" })).rejects.toMatchObject({
      name: "NotFoundError",
      message: "No artifact store flavor 'nosuch'.",
      hint: expect.stringContaining("Available artifact store flavors: local"),
    });
    await expect(zen.registerComponent("artifact_store", "x", "s3", { path: "s3://b" })).rejects.toMatchObject({
      hint: expect.stringContaining("@zen/integration-s3"),
    });
    await expect(zen.registerComponent("artifact_store", "x", "local", { pth: "/x" })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("Unknown config key 'pth'"),
      hint: expect.stringContaining("Valid keys: path"),
    });
    await expect(zen.registerComponent("artifact_store", "x", "local", { path: "s3://bucket" })).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("path must be a local directory path, not a URL"),
    });
    await expect(zen.registerComponent("artifact_store", "x", "local", {})).rejects.toMatchObject({
      message: expect.stringContaining("path is required"),
    });
    expect(await box.files()).toEqual(before);
  });

  it("updates a component by merging over its config, validated again", async () => {
    box = await sandbox();
    const zen = await box.open();
    const created = await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    const updated = await zen.updateComponent("container_registry", "reg", { uri: "localhost:6000" });
    expect(updated).toMatchObject({ id: created.id, config: { uri: "localhost:6000" } });
    expect(updated.updatedAt! >= created.updatedAt!).toBe(true);
    await expect(zen.updateComponent("container_registry", "reg", { url: "x" })).rejects.toMatchObject({ name: "ValidationError" });
    await expect(zen.updateComponent("container_registry", "nope", { uri: "x" })).rejects.toMatchObject({
      name: "NotFoundError",
      message: "No container registry named 'nope'.",
      hint: expect.stringContaining("Available container registries: reg"),
    });
    expect((await zen.getComponent("container_registry", "reg")).config).toEqual({ uri: "localhost:6000" });
  });

  it("renames a component and rewrites the stacks that use it; refuses a taken name", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("artifact_store", "a1", "local", { path: "/tmp/a1" });
    await zen.registerComponent("artifact_store", "a2", "local", { path: "/tmp/a2" });
    await zen.registerStack("s1", { ...DEFAULT_COMPONENTS, artifact_store: "a1" });
    await zen.registerStack("s2", { ...DEFAULT_COMPONENTS, artifact_store: "a1" });
    await expect(zen.renameComponent("artifact_store", "a1", "a2")).rejects.toMatchObject({ name: "ConflictError" });
    await expect(zen.renameComponent("artifact_store", "a1", "../evil")).rejects.toMatchObject({ name: "ValidationError" });
    const renamed = await zen.renameComponent("artifact_store", "a1", "store-one");
    expect(renamed.name).toBe("store-one");
    const stacks = await zen.listStacks();
    expect(stacks.filter((s) => s.name.startsWith("s")).map((s) => s.components.artifact_store)).toEqual(["store-one", "store-one"]);
    expect((await zen.describeStack("s1")).componentRecords.artifact_store?.id).toBe(renamed.id);
  });

  it("refuses to delete a component a stack uses, naming the stacks; deletes it once unused", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerComponent("container_registry", "reg", "default", { uri: "localhost:5000" });
    await zen.registerStack("s1", { ...DEFAULT_COMPONENTS, container_registry: "reg" });
    await zen.registerStack("s2", { ...DEFAULT_COMPONENTS, container_registry: "reg" });
    const before = await box.files();
    await expect(zen.deleteComponent("container_registry", "reg")).rejects.toMatchObject({
      name: "ConflictError",
      message: "Cannot delete container registry 'reg': it is part of stacks 's1', 's2'.",
      hint: expect.stringContaining("zen stack remove-component s1 -c"),
    });
    await expect(zen.deleteComponent("orchestrator", "default")).rejects.toMatchObject({
      hint: expect.stringContaining("zen stack update default -o <other>"),
    });
    expect(await box.files()).toEqual(before);
    await zen.updateStack("s1", { container_registry: null });
    await zen.deleteStack("s2");
    await zen.deleteComponent("container_registry", "reg");
    expect(await zen.listComponents("container_registry")).toEqual([]);
    await expect(zen.deleteComponent("container_registry", "reg")).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("gets the active stack's component when no name is given", async () => {
    box = await sandbox();
    const zen = await box.open();
    expect((await zen.getComponent("orchestrator")).name).toBe("default");
    await expect(zen.getComponent("container_registry")).rejects.toMatchObject({
      name: "NotFoundError",
      message: "The active stack 'default' has no container registry.",
      hint: expect.stringContaining("zen stack update default --container-registry <name>"),
    });
  });
});
