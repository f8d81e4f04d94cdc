/**
 * The README's main job: the quickstart example runs on a fresh machine (empty ZEN_CONFIG_PATH) on the
 * default stack; a second run reuses every step; changing one parameter re-runs exactly its dependants.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { PipelineRepository } from "../src/index.ts";
import { runScript } from "./pipeline-helpers.ts";

const QUICKSTART = fileURLToPath(new URL("../../../examples/quickstart/", import.meta.url));

describe("examples/quickstart", () => {
  it("trains on the default stack, then reuses the cache, then re-runs only what a parameter change affects", async () => {
    const root = makeTempDir("zen-quickstart-");
    const configDir = path.join(root, "config");
    const env = { ZEN_CONFIG_PATH: configDir, ZEN_REPOSITORY_PATH: "", ZEN_STACK: "", ZEN_PROFILE: "", CI: "1" };
    const start = (args: string[] = []) => runScript(path.join(QUICKSTART, "src", "run.ts"), args, { cwd: QUICKSTART, env });

    const first = await start();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("Created and activated default profile.");
    expect(first.stdout).toMatch(/Accuracy on the held-out test set: (9\d|100)\.\d % \(45 samples/);
    expect(first.stdout).toContain("Steps executed: load_data, split, train, evaluate, report; reused from the cache: none.");
    expect(first.stdout).toContain(path.join(configDir, "local_stores"));
    expect(first.stdout).toMatch(/zen pipeline runs describe quickstart-\S+/);

    const second = await start();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Steps executed: none; reused from the cache: load_data, split, train, evaluate, report.");

    const third = await start(["learningRate=0.1"]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("Steps executed: train, evaluate, report; reused from the cache: load_data, split.");

    // The same story through the post-execution API, from this (another) process.
    const zen = { cwd: root, env: { ...process.env, ...env }, onNotice: () => {} };
    const repository = await PipelineRepository.open({ zen });
    const runs = await (await repository.getPipeline("quickstart")).runs;
    expect(runs).toHaveLength(3);
    const latest = runs[0]!;
    expect(Object.fromEntries(latest.steps.map((s) => [s.name, s.cacheReason]))).toEqual({
      load_data: `unchanged since run '${runs[2]!.name}'`,
      split: `unchanged since run '${runs[2]!.name}'`,
      train: "parameter learningRate changed",
      evaluate: "input model changed",
      report: "input from evaluate changed",
    });
    expect(latest.parameters).toMatchObject({ learningRate: 0.1, epochs: 200 });
    const metrics = (await latest.getStep("evaluate").output.read()) as { accuracy: number; samples: number };
    expect(metrics.samples).toBe(45);
    expect(metrics.accuracy).toBeGreaterThan(0.8);
    expect(await latest.getStep("report").output.read()).toContain("accuracy:");
  });
});
