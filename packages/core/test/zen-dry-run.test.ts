// The facade in a dry run: every change is validated and computed as usual, recorded key by key in
// plannedChanges(), and nothing is written; the same calls without dryRun record what they changed.
import { afterEach, describe, expect, it } from "@jest/globals";
import { rejectionOf } from "@zen/test-utils";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

describe("dry runs of the facade", () => {
  it("records component and stack changes without writing a file", async () => {
    box = await sandbox();
    await (await box.open()).registerComponent("orchestrator", "busy", "local", { maxConcurrency: 3 });
    const before = await box.files();
    const zen = await box.open({ dryRun: true });
    expect(zen.dryRun).toBe(true);
    await zen.updateComponent("orchestrator", "busy", { "max-concurrency": "5" });
    await zen.registerStack("next", { orchestrator: "busy", artifact_store: "default", metadata_store: "default" });
    await zen.setActiveStack("next");
    expect(zen.plannedChanges()).toEqual([
      {
        action: "change",
        kind: "component",
        type: "orchestrator",
        name: "busy",
        profile: "default",
        keys: { "config.maxConcurrency": { before: 3, after: 5 } },
      },
      expect.objectContaining({ action: "add", kind: "stack", name: "next", keys: expect.objectContaining({ "components.orchestrator": { after: "busy" } }) }),
      expect.objectContaining({ action: "change", kind: "setting", name: "active stack", keys: { global: { before: "default", after: "next" } } }),
    ]);
    expect(await box.files()).toEqual(before);
    expect(zen.context.stack.name).toBe("default");
  });

  it("throws the real error and records nothing for a change that would fail", async () => {
    box = await sandbox();
    const zen = await box.open({ dryRun: true });
    const error = await rejectionOf(zen.deleteComponent("orchestrator", "default"));
    expect(error.message).toBe("Cannot delete orchestrator 'default': it is part of stack 'default'.");
    expect(zen.plannedChanges()).toEqual([]);
  });

  it("records what a real call changed too", async () => {
    box = await sandbox();
    const zen = await box.open();
    expect(zen.dryRun).toBe(false);
    await zen.registerComponent("orchestrator", "extra", "local", {});
    await zen.removeComponentAttributes("orchestrator", "extra", []);
    expect(zen.plannedChanges()).toEqual([expect.objectContaining({ action: "add", kind: "component", name: "extra" })]);
    expect((await zen.getComponent("orchestrator", "extra")).name).toBe("extra");
  });
});
