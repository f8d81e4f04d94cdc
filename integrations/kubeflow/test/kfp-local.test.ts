/**
 * The compiled spec executed by Kubeflow's own local runner: `kfp.local`'s SubprocessRunner (kfp 2.17.3,
 * its one refusal of container components lifted) runs each task's container command — the BUILT
 * `zen step run`, on PATH as `zen` — as a host process, in the spec's order, with KFP's placeholders
 * resolved. The KFP API fake hands each created run to it; the launching process follows the run and
 * reads the steps back from the metadata store. Rebuild (`pnpm build`) before running it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "@jest/globals";
import { createLocalStack, type LoadedStack } from "@zen/core";
import { makeTempDir, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { kfpOrchestrator, runOnKfpLocal, zenCli as zen, zenEnvironment } from "./kfp-local-runner.ts";
import sums from "./fixtures/sums-pipeline.ts";

const PIPELINE = fileURLToPath(new URL("./fixtures/sums-pipeline.ts", import.meta.url));
let fake: KfpApiFake | undefined;
afterEach(async () => fake?.close());

/** The "pods" reach the same stores through a registered stack of the same name. */
async function registerPodsStack(env: Record<string, string>, root: string): Promise<void> {
  for (const args of [
    ["artifact-store", "register", "files", "--flavor", "local", `--path=${path.join(root, "artifacts")}`],
    ["metadata-store", "register", "meta", "--flavor", "sqlite", `--uri=${path.join(root, "metadata.db")}`],
    ["stack", "register", "pods", "-o", "default", "-a", "files", "-m", "meta"],
  ]) {
    expect(await zen(env, args)).toMatchObject({ code: 0 });
  }
}

/** The launching process's stack `pods`: the same stores under `root`, run by the kubeflow orchestrator. */
function podsStack(root: string, hostname: string, pollIntervalMs?: number): LoadedStack {
  const local = createLocalStack({ root });
  const orchestrator = kfpOrchestrator(hostname, root, pollIntervalMs);
  return { ...local, name: "pods", orchestrator, components: { ...local.components, orchestrator } } as LoadedStack;
}

describe("the compiled pipeline on kfp.local's subprocess runner", () => {
  it("runs every task's `zen step run` as a host process; the launching process reports them, and a second run is cached", async () => {
    const root = makeTempDir("zen-kfp-cli-");
    const env = zenEnvironment(root);
    await registerPodsStack(env, root);
    const log: string[] = [];
    fake = await startKfpApiFake({
      onRunCreated: (run, text) => void runOnKfpLocal(env, run, text, log).then((state) => fake!.setRunStates(run.run_id, [state])),
    });
    const stack = podsStack(root, fake.url, 50);

    const view = await sums.run({ stack, runName: "cli-1", onEvent: false, handleSignals: false, pipeline_file: PIPELINE });
    expect(view.status).toBe("completed");
    expect(await view.getStep("check_result").output.read()).toBe("sum 10, max 4");
    // kfp.local ran the four tasks, and each `zen step run` saw the job name KFP's placeholder gave it.
    const output = log.join("\n");
    for (const step of ["numbers", "total", "maximum", "check_result"])
      expect(output).toMatch(new RegExp(`Step '${step}' of run ${view.id} completed \\(Kubeflow job kfp-sums-[^)]+\\)`));

    const again = await sums.run({ stack, runName: "cli-2", onEvent: false, handleSignals: false, pipeline_file: PIPELINE });
    expect(again.steps.every((s) => s.status === "cached")).toBe(true);
    await stack.metadataStore.close();
  }, 120_000);

  it("runs each trigger of a schedule as a zen run of its own, the built `zen step run --schedule-run` creating and ending it", async () => {
    const root = makeTempDir("zen-kfp-schedule-");
    const env = zenEnvironment(root);
    await registerPodsStack(env, root);
    fake = await startKfpApiFake();
    const stack = podsStack(root, fake.url);
    const schedule = await sums.run({ stack, runName: "nightly", schedule: "0 3 * * *", onEvent: false, handleSignals: false, pipeline_file: PIPELINE });
    expect(schedule.status).toBe("running");
    const created = fake.exchanges.find((e) => e.path.endsWith("/recurringruns"))!;
    const text = fake.packages.get(
      (created.body as { pipeline_version_reference: { pipeline_version_id: string } }).pipeline_version_reference.pipeline_version_id,
    )!;
    // Two triggers, as KFP's scheduler would start them: kfp.local gives each its own job id.
    const log: string[] = [];
    const trigger = { runtime_config: { parameters: { zen_run_id: schedule.id } } };
    expect(await runOnKfpLocal(env, trigger, text, log)).toBe("SUCCEEDED");
    expect(await runOnKfpLocal(env, trigger, text, log)).toBe("SUCCEEDED");
    const runs = (await stack.metadataStore.listRuns({ pipelineName: "kfp_sums" })).filter((r) => r.id !== schedule.id);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    for (const run of runs) expect(run.name).toBe(`nightly-${run.id}`);
    const [second, first] = runs;
    expect((await stack.metadataStore.listSteps([first!.id])).map((s) => s.status)).toEqual(["completed", "completed", "completed", "completed"]);
    expect((await stack.metadataStore.listSteps([second!.id])).map((s) => s.status)).toEqual(["cached", "cached", "cached", "cached"]);
    await stack.metadataStore.close();
  }, 180_000);
});
