/**
 * The kubeflow orchestrator end to end against the KFP API fake: the run is compiled, uploaded and
 * created; a test engine plays the cluster, running each task of the uploaded package through the
 * step entrypoint with the arguments the spec gives it (placeholders resolved as KFP does); the
 * orchestrator follows the run's state and the core reads the steps back from the metadata store.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "@jest/globals";
import type { LoadedStack } from "@zen/core";
import { createLocalStack } from "@zen/core";
import { makeTempDir, rejectionOf, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { KubeflowOrchestrator } from "../src/kubeflow-orchestrator.ts";
import { packageSpec, engine as runOn } from "./fake-cluster.ts";
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

  it("logs in with a username and password (Dex), and the run goes through with the session cookie", async () => {
    let stack!: LoadedStack;
    fake = await startKfpApiFake({
      login: { username: "alice@example.com", password: "s3cret-pw" },
      onRunCreated: (run, text) => void engine(stack, run, text).then((state) => fake!.setRunStates(run.run_id, [state])),
    });
    stack = setup().stack;
    Object.assign((stack.orchestrator as KubeflowOrchestrator).config, { token: undefined, username: "alice@example.com", password: "s3cret-pw" });
    const view = await sums.run({ stack, runName: "kfp-login", onEvent: false, handleSignals: false, pipeline_file: "p.ts" });
    expect(view.status).toBe("completed");
    expect(fake.loginRequests.filter((r) => r === "POST /dex/auth/local/login")).toHaveLength(1);
    expect(fake.exchanges.every((e) => /^authservice_session=/.test(e.cookie ?? ""))).toBe(true);
    // A wrong password fails before anything is built or sent, without showing it.
    Object.assign((stack.orchestrator as KubeflowOrchestrator).config, { password: "guess-pw" });
    const before = fake.exchanges.length;
    const error = (await rejectionOf(sums.run({ stack, runName: "kfp-login-2", onEvent: false, handleSignals: false, pipeline_file: "p.ts" }))) as Error;
    expect(error.message).toContain(`failed: The Kubeflow login at ${fake.url} failed: the username or password was not accepted.`);
    expect(error.message).not.toContain("guess-pw");
    expect(fake.exchanges.length).toBe(before);
    await stack.metadataStore.close();
  }, 60_000);

  it("synchronous=false submits and returns at once: the run stays running, KFP's state is read on demand", async () => {
    let stack!: LoadedStack;
    let finished!: Promise<string>;
    fake = await startKfpApiFake({
      onRunCreated: (run, text) => {
        fake!.setRunStates(run.run_id, ["RUNNING"]);
        // The "cluster" starts the pods only once the submitting process has returned.
        finished = new Promise((resolve) => setTimeout(resolve, 200)).then(() => engine(stack, run, text));
        void finished.then((state) => fake!.setRunStates(run.run_id, [state]));
      },
    });
    stack = setup().stack;
    const orchestrator = stack.orchestrator as KubeflowOrchestrator;
    Object.assign(orchestrator.config, { token: undefined, synchronous: false });
    const view = await sums.run({ stack, runName: "kfp-detached", onEvent: false, handleSignals: false, pipeline_file: "p.ts" });
    expect(view.status).toBe("running");
    expect(view.steps.every((s) => s.status === "pending")).toBe(true);
    expect(fake.exchanges.filter((e) => e.method === "GET" && /\/runs\/[^/]+$/.test(e.path))).toEqual([]);
    const runId = [...fake.runs.keys()][0]!;
    // The KFP page is kept with the run; the state is read through it.
    expect(view.links).toEqual({ orchestrator: `${fake.url}/#/runs/details/${runId}` });
    expect(await orchestrator.remoteRunState(view)).toEqual({
      system: "Kubeflow Pipelines",
      id: runId,
      url: `${fake.url}/#/runs/details/${runId}`,
      state: "RUNNING",
    });
    expect(await finished).toBe("SUCCEEDED");
    // The pods recorded their steps; KFP says how the run ended.
    const later = await stack.metadataStore.listSteps([view.id]);
    expect(later.every((s) => s.status === "completed")).toBe(true);
    expect((await orchestrator.remoteRunState(view))?.state).toBe("SUCCEEDED");
    // Without a recorded link (e.g. a run recorded before links), found by name and zen run id.
    expect((await orchestrator.remoteRunState({ id: view.id, name: "kfp-detached" }))?.id).toBe(runId);
    expect(await orchestrator.remoteRunState({ id: "another", name: "kfp-detached" })).toEqual({
      system: "Kubeflow Pipelines",
      problem: `no run of this zen run at ${fake.url} (deleted, or submitted elsewhere)`,
    });
    await fake.close();
    expect(await orchestrator.remoteRunState(view)).toEqual({
      system: "Kubeflow Pipelines",
      id: runId,
      url: `${fake.url}/#/runs/details/${runId}`,
      problem: `The Kubeflow Pipelines API at ${fake.url} cannot be reached to read run ${runId}.`,
    });
    fake = undefined;
    await stack.metadataStore.close();
  }, 60_000);

  it("a schedule becomes a KFP recurring run; a stack whose orchestrator cannot schedule refuses it before recording anything", async () => {
    fake = await startKfpApiFake();
    const { stack } = setup();
    const orchestrator = stack.orchestrator as KubeflowOrchestrator;
    orchestrator.config.token = undefined;
    const view = await sums.run({ stack, runName: "kfp-nightly", schedule: "30 2 * * *", onEvent: false, handleSignals: false, pipeline_file: "p.ts" });
    expect(view.status).toBe("running");
    const created = fake.exchanges.find((e) => e.method === "POST" && e.path.endsWith("/recurringruns"))!;
    expect(created.body).toMatchObject({
      display_name: "kfp-nightly",
      trigger: { cron_schedule: { cron: "0 30 2 * * *" } },
      runtime_config: { parameters: { zen_run_id: view.id } },
      mode: "ENABLE",
    });
    expect(fake.exchanges.some((e) => e.method === "POST" && e.path.endsWith("/runs"))).toBe(false);
    const recurringId = [...fake.recurringRuns.keys()][0]!;
    expect(view.links).toEqual({ orchestrator: `${fake.url}/#/recurringrun/details/${recurringId}` });
    expect(await orchestrator.remoteRunState({ id: view.id, name: view.name })).toMatchObject({ id: recurringId, state: "recurring run ENABLED" });
    expect(await orchestrator.remoteRunState(view)).toEqual({
      system: "Kubeflow Pipelines",
      id: recurringId,
      url: `${fake.url}/#/recurringrun/details/${recurringId}`,
      state: "recurring run ENABLED",
    });

    // Each trigger of the schedule (a KFP run of the recurring run) is a zen run of its own, named
    // after the schedule's run and KFP's run id, created by its first step and ended by its last.
    const text = fake.packages.get((created.body as Json).pipeline_version_reference.pipeline_version_id)!;
    const trigger = (n: number) => ({
      run_id: `00000000-0000-4000-8000-00000000000${n}`,
      display_name: `kfp-nightly-${n}`,
      runtime_config: (created.body as Json).runtime_config,
    });
    expect(await engine(stack, trigger(1), text)).toBe("SUCCEEDED");
    expect(await engine(stack, trigger(2), text)).toBe("SUCCEEDED");
    const runs = await stack.metadataStore.listRuns({ pipelineName: "kfp_sums" });
    expect(runs.map((r) => [r.name, r.status]).sort()).toEqual([
      ["kfp-nightly", "running"],
      [`kfp-nightly-${trigger(1).run_id}`, "completed"],
      [`kfp-nightly-${trigger(2).run_id}`, "completed"],
    ]);
    const steps = await stack.metadataStore.listSteps([trigger(1).run_id, trigger(2).run_id]);
    expect(steps.filter((s) => s.runId === trigger(1).run_id).map((s) => s.status)).toEqual(["completed", "completed", "completed", "completed"]);
    expect(steps.filter((s) => s.runId === trigger(2).run_id).map((s) => s.status)).toEqual(["cached", "cached", "cached", "cached"]);
    // The schedule's own run runs no step.
    expect((await stack.metadataStore.listSteps([view.id])).every((s) => s.status === "pending")).toBe(true);
    await stack.metadataStore.close();

    const local = createLocalStack({ root: makeTempDir("zen-kfp-local-schedule-") });
    const refused = (await rejectionOf(sums.run({ stack: local, schedule: "30 2 * * *", onEvent: false, handleSignals: false }))) as Error & { hint: string };
    expect(refused.message).toBe(`The orchestrator '${local.orchestrator.name}' (local) of stack '${local.name}' cannot schedule runs.`);
    expect(refused.hint).toContain("without a schedule");
    expect(await local.metadataStore.listRuns()).toEqual([]);
    await local.metadataStore.close();
  }, 60_000);

  it("a trigger whose step fails is a failed run of its own, naming the failed step; the schedule stays", async () => {
    fake = await startKfpApiFake();
    const { stack } = setup();
    (stack.orchestrator as KubeflowOrchestrator).config.token = undefined;
    const view = await sums.run({
      stack,
      runName: "kfp-hourly",
      parameters: { n: 20 },
      schedule: "0 * * * *",
      onEvent: false,
      handleSignals: false,
      pipeline_file: "p.ts",
    });
    const created = fake.exchanges.find((e) => e.method === "POST" && e.path.endsWith("/recurringruns"))!;
    const text = fake.packages.get((created.body as Json).pipeline_version_reference.pipeline_version_id)!;
    const trigger = { run_id: "00000000-0000-4000-8000-0000000000a1", display_name: "kfp-hourly-1", runtime_config: (created.body as Json).runtime_config };
    expect(await engine(stack, trigger, text)).toBe("FAILED");
    const run = await stack.metadataStore.getRun(trigger.run_id);
    expect(run).toMatchObject({ name: `kfp-hourly-${trigger.run_id}`, status: "failed", error: "step 'check_result' failed", parameters: { n: 20 } });
    const steps = await stack.metadataStore.listSteps([trigger.run_id]);
    expect(Object.fromEntries(steps.map((s) => [s.name, s.status]))).toEqual({
      numbers: "completed",
      total: "completed",
      maximum: "completed",
      check_result: "failed",
    });
    expect((await stack.metadataStore.getRun(view.id))?.status).toBe("running");
    await stack.metadataStore.close();
  }, 60_000);

  it("a dry run of a schedule compiles each trigger's steps to a run of its own, and says it would create a recurring run", async () => {
    fake = await startKfpApiFake();
    const { stack } = setup();
    const orchestrator = stack.orchestrator as KubeflowOrchestrator;
    const outDir = makeTempDir("zen-kfp-dry-schedule-");
    const plan = sums.build({ n: 4 });
    const report = await orchestrator.dryRun({
      deployment: { pipelineName: "kfp_sums", runName: "dry", stackName: stack.name, runtimeConfiguration: { pipeline_file: "p.ts" } },
      steps: plan.steps.map((s) => ({ name: s.name, upstream: s.upstream })),
      components: stack.components,
      outDir,
      schedule: "30 2 * * *",
    });
    expect(report.summary.at(-1)).toBe(`Would upload pipeline 'kfp-sums' to ${fake.url} and create a recurring run (0 30 2 * * *) in experiment 'kfp_sums'.`);
    const spec = packageSpec(readFileSync(report.files[0]!, "utf8"));
    expect(spec.deploymentSpec.executors["exec-total"].container.args).toEqual(
      expect.arrayContaining(["--run-id", "{{$.pipeline_job_uuid}}", "--schedule-run"]),
    );
    expect(fake.exchanges).toEqual([]);
    await stack.metadataStore.close();
  }, 60_000);
});
