/**
 * The kubeflow orchestrator end to end against the KFP API fake: the run is compiled, uploaded and
 * created; a test engine plays the cluster, running each task of the uploaded package through the
 * step entrypoint with the arguments the spec gives it (placeholders resolved as KFP does); the
 * orchestrator follows the run's state and the core reads the steps back from the metadata store.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { LoadedStack } from "@zen/core";
import { createLocalStack } from "@zen/core";
import { makeTempDir, rejectionOf, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { KubeflowOrchestrator } from "../src/kubeflow-orchestrator.ts";
import { engine as runOn } from "./fake-cluster.ts";
import sums from "./fixtures/sums-pipeline.ts";

const engine = (stack: LoadedStack, run: Json, text: string) => runOn(sums, stack, run, text);

type Json = Record<string, any>;
let fake: KfpApiFake | undefined;
afterEach(async () => fake?.close());

const IMAGE = `registry.example.com/zen/app@sha256:${"d".repeat(64)}`;

function setup(onState?: (state: string) => void) {
  const root = makeTempDir("zen-kfp-orchestrator-");
  const local = createLocalStack({ root });
  const orchestrator = new KubeflowOrchestrator({
    id: "kfp",
    name: "kfp",
    flavor: "kubeflow",
    config: { kubeflow_hostname: fake!.url, image: IMAGE, token: "t0k", timeout: 60 },
    configDir: root,
  });
  orchestrator.pollIntervalMs = 20;
  const stack = { ...local, orchestrator, components: { ...local.components, orchestrator } } as LoadedStack;
  return { stack, onState };
}

describe("kubeflow orchestrator", () => {
  it("submits the compiled run, follows it, and reports the steps the pods ran", async () => {
    let stack!: LoadedStack;
    fake = await startKfpApiFake({
      token: "t0k",
      onRunCreated: (run, text) => {
        fake!.setRunStates(run.run_id, ["RUNNING"]);
        void engine(stack, run, text).then((state) => fake!.setRunStates(run.run_id, [state]));
      },
    });
    stack = setup().stack;
    const view = await sums.run({ stack, runName: "kfp-1", onEvent: false, handleSignals: false, pipeline_file: "test/fixtures/sums-pipeline.ts" });
    expect(view.status).toBe("completed");
    expect(await view.getStep("check_result").output.read()).toBe("sum 10, max 4");
    const created = fake.exchanges.find((e) => e.method === "POST" && e.path.endsWith("/runs"))!;
    expect((created.body as Json).runtime_config.parameters).toEqual({ zen_run_id: view.id });
    expect((created.body as Json).display_name).toBe("kfp-1");
    const experiment = fake.exchanges.find((e) => e.method === "POST" && e.path.endsWith("/experiments"))!;
    expect((experiment.body as Json).display_name).toBe("kfp_sums");
    const uploaded = fake.exchanges.find((e) => e.path.endsWith("/pipelines/upload"))!;
    expect(uploaded.query.name).toBe("kfp-sums");
    const spec = JSON.parse(uploaded.upload!.text.replace(/^#.*\n/gm, "")) as Json;
    expect(spec.deploymentSpec.executors["exec-check-result"].container.args).toContain("check_result");
    // A second run comes from zen's cache, step by step, in the "pods".
    const again = await sums.run({ stack, runName: "kfp-2", onEvent: false, handleSignals: false, pipeline_file: "test/fixtures/sums-pipeline.ts" });
    expect(again.steps.every((s) => s.status === "cached")).toBe(true);
    await stack.metadataStore.close();
  }, 60_000);

  it("fails the run at the step that failed in its pod", async () => {
    let stack!: LoadedStack;
    fake = await startKfpApiFake({
      onRunCreated: (run, text) => void engine(stack, run, text).then((state) => fake!.setRunStates(run.run_id, [state])),
    });
    stack = setup().stack;
    (stack.orchestrator as KubeflowOrchestrator).config.token = undefined;
    const error = (await rejectionOf(
      sums.run({ stack, runName: "kfp-fail", parameters: { n: 20 }, onEvent: false, handleSignals: false, pipeline_file: "p.ts" }),
    )) as Error;
    expect(error.message).toBe("Run 'kfp-fail' of pipeline 'kfp_sums' failed at step 'check_result': RangeError: sum 210 is over 100.");
    await stack.metadataStore.close();
  }, 60_000);

  it("names KFP's refusal when the upload fails, and what is missing before sending anything", async () => {
    fake = await startKfpApiFake({ token: "t0k" });
    const { stack } = setup();
    fake.failNext(400, "Invalid input error: pipeline spec is invalid");
    const refused = (await rejectionOf(sums.run({ stack, runName: "kfp-refused", onEvent: false, handleSignals: false, pipeline_file: "p.ts" }))) as Error;
    expect(refused.message).toContain("Kubeflow Pipelines refused to look up pipeline 'kfp-sums' (HTTP 400): Invalid input error: pipeline spec is invalid");
    const before = fake.exchanges.length;
    const noFile = (await rejectionOf(sums.run({ stack, runName: "kfp-nofile", onEvent: false, handleSignals: false }))) as Error;
    expect(noFile.message).toContain("The kubeflow orchestrator 'kfp' needs the pipeline's file to run its steps in the image.");
    expect(fake.exchanges.length).toBe(before);
    await stack.metadataStore.close();
  }, 60_000);

  it("refuses a username/password login before anything is built or sent", async () => {
    fake = await startKfpApiFake();
    const { stack } = setup();
    const config = (stack.orchestrator as KubeflowOrchestrator).config;
    Object.assign(config, { token: undefined, image: undefined, username: "alice", password: "s3cret" });
    const error = (await rejectionOf(sums.run({ stack, runName: "kfp-login", onEvent: false, handleSignals: false, pipeline_file: "p.ts" }))) as Error & {
      hint?: string;
    };
    expect(error.message).toContain("failed: The kubeflow orchestrator 'kfp' has a username/password login, which this version cannot use.");
    expect(error.hint).toContain("token={{<secret>.token}}");
    expect(error.message + (error.hint ?? "")).not.toContain("s3cret");
    expect(fake.exchanges).toEqual([]);
    await stack.metadataStore.close();
  }, 60_000);
});
