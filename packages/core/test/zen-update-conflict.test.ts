/**
 * Two writers changing the same key of a component: one wins, the other is refused with a conflict
 * (never a silent overwrite); writers changing different keys both land.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { withLock } from "../src/fs/lock.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => {
  if (box) await removeDir(box.root);
  box = undefined;
});

/** Starts both updates while the store's lock is held, so both read the record before either writes. */
async function racing<T>(box: Sandbox, updates: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  let started: Promise<PromiseSettledResult<T>[]> | undefined;
  await withLock(join(box.configDir, "profiles", "default", "stacks.yaml"), async () => {
    started = Promise.allSettled(updates.map((update) => update()));
    // Reading the record and loading a built-in flavor take milliseconds; the writes then queue on this lock.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
  return started!;
}

describe("concurrent updates of one component", () => {
  it("refuses the second writer of the same key with a conflict, and keeps the first one's value", async () => {
    box = await sandbox();
    const [a, b] = [await box.open(), await box.open()];
    await a.registerComponent("artifact_store", "shared", "local", { path: join(box.root, "start") });
    const results = await racing(box, [
      () => a.updateComponent("artifact_store", "shared", { path: join(box!.root, "from-a") }),
      () => b.updateComponent("artifact_store", "shared", { path: join(box!.root, "from-b") }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ name: "ConflictError", code: "ZEN_UPDATE_CONFLICT" });
    expect(String(lost[0]!.reason.message)).toContain("'path'");
    expect(String(lost[0]!.reason.hint)).toContain("zen artifact-store describe shared");
    const winner = results[0]!.status === "fulfilled" ? "from-a" : "from-b";
    expect((await a.getComponent("artifact_store", "shared")).config.path).toBe(join(box.root, winner));
    // Read again, the loser's update goes through.
    const loser = results[0]!.status === "fulfilled" ? b : a;
    await loser.updateComponent("artifact_store", "shared", { path: join(box.root, "after") });
    expect((await a.getComponent("artifact_store", "shared")).config.path).toBe(join(box.root, "after"));
  });

  it("lets writers of another component, or of the same value, all land", async () => {
    box = await sandbox();
    const [a, b, c] = [await box.open(), await box.open(), await box.open()];
    await a.registerComponent("orchestrator", "many", "local", {});
    await a.registerComponent("artifact_store", "same", "local", { path: join(box.root, "start") });
    const results = await racing(box, [
      () => a.updateComponent("orchestrator", "many", { maxConcurrency: 3 }),
      () => b.updateComponent("artifact_store", "same", { path: join(box!.root, "agreed") }),
      () => c.updateComponent("artifact_store", "same", { path: join(box!.root, "agreed") }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect((await a.getComponent("orchestrator", "many")).config.maxConcurrency).toBe(3);
    expect((await a.getComponent("artifact_store", "same")).config.path).toBe(join(box.root, "agreed"));
  });
});
