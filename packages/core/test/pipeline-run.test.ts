import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import {
  BaseExperimentTracker,
  LocalArtifactStore,
  PipelineRepository,
  PipelineRunError,
  pipeline,
  step,
  type PipelineDeployment,
  type StackComponent,
  type StepRunInfo,
} from "../src/index.ts";
import { LocalOrchestrator } from "../src/builtins/local-orchestrator.ts";
import { SqliteMetadataStore } from "../src/builtins/sqlite-metadata-store.ts";
import { collectEvents, tempStack } from "./pipeline-helpers.ts";

/** Records every lifecycle call, in one shared log. */
function recording<T extends abstract new (...args: any[]) => StackComponent>(Base: T, log: string[], deployments: PipelineDeployment[]) {
  abstract class Recording extends Base {
    override async preparePipelineDeployment(deployment: PipelineDeployment) {
      deployments.push(deployment);
      log.push(`${this.type}:preparePipelineDeployment`);
    }
    override async preparePipelineRun() {
      log.push(`${this.type}:preparePipelineRun`);
    }
    override async prepareStepRun(info: StepRunInfo) {
      log.push(`${this.type}:prepareStepRun:${info.stepName}`);
    }
    override async cleanupStepRun(info: StepRunInfo) {
      log.push(`${this.type}:cleanupStepRun:${info.stepName}`);
    }
    override async cleanupPipelineRun() {
      log.push(`${this.type}:cleanupPipelineRun`);
    }
  }
  return Recording;
}

class Tracker extends BaseExperimentTracker {
  readonly logged: Record<string, number> = {};
  log(key: string, value: number) {
    this.logged[key] = value;
  }
}

function recordingStack() {
  const log: string[] = [];
  const deployments: PipelineDeployment[] = [];
  const base = tempStack();
  const init = <Config>(name: string, flavor: string, config: Config) => ({ id: `${name}-id`, name, flavor, config, configDir: base.root });
  const Orchestrator = recording(LocalOrchestrator, log, deployments) as unknown as typeof LocalOrchestrator;
  const ArtifactStore = recording(LocalArtifactStore, log, deployments) as unknown as typeof LocalArtifactStore;
  const MetadataStore = recording(SqliteMetadataStore, log, deployments) as unknown as typeof SqliteMetadataStore;
  const RecordingTracker = recording(Tracker, log, deployments) as unknown as typeof Tracker;
  const orchestrator = new (class extends Orchestrator {})(init("orch", "local", {}));
  const artifactStore = new (class extends ArtifactStore {})(init("store", "local", { path: `${base.root}/artifacts` }));
  const metadataStore = new (class extends MetadataStore {})(init("meta", "sqlite", { uri: `${base.root}/metadata.db` }));
  const tracker = new (class extends RecordingTracker {})(init("tracker", "test", {}));
  const stack = {
    name: "recording",
    orchestrator,
    artifactStore,
    metadataStore,
    components: { orchestrator, artifact_store: artifactStore, metadata_store: metadataStore, experiment_tracker: tracker },
  };
  return { stack, log, deployments, tracker };
}

const produce = step({ name: "produce", run: async () => 21 });
const double = step({
  name: "double",
  run: async (x: number, _params, ctx) => {
    // The step context gives the stack's components.
    (ctx.stack.components.experiment_tracker as Tracker | undefined)?.log("doubled", x * 2);
    return x * 2;
  },
});

describe("pipeline.run() on a stack", () => {
  it("calls every component's hooks in order and passes the runtime options to preparePipelineDeployment", async () => {
    const { stack, log, deployments, tracker } = recordingStack();
    const flow = pipeline("hooks", () => {
      double(produce());
    });
    const run = await flow.run({ stack, runName: "hooks-1", onEvent: false, runtime_param_1: 3, another_param: "luna" });

    expect(run.status).toBe("completed");
    // Every component (4 of them) received the runtime configuration.
    expect(deployments).toHaveLength(4);
    for (const deployment of deployments) {
      expect(deployment).toEqual({
        pipelineName: "hooks",
        runName: "hooks-1",
        stackName: "recording",
        runtimeConfiguration: { runtime_param_1: 3, another_param: "luna" },
      });
    }
    // Recorded with the run, too.
    expect(run.runtimeConfiguration).toEqual({ runtime_param_1: 3, another_param: "luna" });

    const phases = log.map((l) => l.split(":").slice(1).join(":"));
    const firstStep = phases.indexOf("prepareStepRun:produce");
    expect(phases.slice(0, 4).every((p) => p === "preparePipelineDeployment")).toBe(true);
    expect(phases.slice(4, 8).every((p) => p === "preparePipelineRun")).toBe(true);
    expect(firstStep).toBe(8);
    // prepareStepRun/cleanupStepRun wrap each step, on every component.
    expect(phases.filter((p) => p === "prepareStepRun:double")).toHaveLength(4);
    expect(phases.filter((p) => p === "cleanupStepRun:double")).toHaveLength(4);
    expect(phases.lastIndexOf("cleanupStepRun:produce")).toBeLessThan(phases.indexOf("prepareStepRun:double"));
    expect(phases.slice(-4)).toEqual(Array(4).fill("cleanupPipelineRun"));

    expect(tracker.logged).toEqual({ doubled: 42 });
    expect(await run.getStep(double).output.read()).toBe(42);
  });

  it("calls cleanupPipelineRun after a failed run too", async () => {
    const { stack, log } = recordingStack();
    const boom = step({
      name: "boom",
      run: async (): Promise<number> => {
        throw new Error("kaput");
      },
    });
    const flow = pipeline("hooks-fail", () => {
      double(boom());
    });
    await expect(flow.run({ stack, onEvent: false })).rejects.toThrow(PipelineRunError);
    expect(log.filter((l) => l.endsWith(":cleanupPipelineRun"))).toHaveLength(4);
    expect(log.filter((l) => l.endsWith(":cleanupStepRun:boom"))).toHaveLength(4);
    expect(log.some((l) => l.includes("prepareStepRun:double"))).toBe(false);
  });

  it("masks secret-looking runtime options in the recorded run but passes them to components", async () => {
    const { stack, deployments } = recordingStack();
    const flow = pipeline("masked", () => {
      produce();
    });
    const run = await flow.run({ stack, onEvent: false, api_token: "s3cr3t", region: "eu" });
    expect(run.runtimeConfiguration).toEqual({ api_token: "****", region: "eu" });
    expect(deployments[0]!.runtimeConfiguration).toEqual({ api_token: "s3cr3t", region: "eu" });
  });

  it("validates pipeline and step parameters before anything runs", async () => {
    const stack = tempStack();
    const scaled = step({
      name: "scaled",
      parameters: z.object({ factor: z.number().positive() }),
      run: async (x: number, { factor }) => x * factor,
    });
    const flow = pipeline("params", { parameters: z.object({ factor: z.number() }) }, ({ factor }) => {
      scaled(produce(), { factor });
    });
    await expect(flow.run({ stack, onEvent: false, parameters: { factor: "x" as unknown as number } })).rejects.toThrow(
      /Invalid parameters for pipeline 'params': factor: /,
    );
    await expect(flow.run({ stack, onEvent: false, parameters: { factor: -1 } })).rejects.toThrow(/Invalid parameters for step 'scaled': factor: /);
    // Nothing was recorded.
    expect(await stack.metadataStore.countRuns()).toBe(0);
    const run = await flow.run({ stack, onEvent: false, parameters: { factor: 3 } });
    expect(await run.getStep(scaled).output.read()).toBe(63);
    expect(run.parameters).toEqual({ factor: 3 });
    expect(run.getStep("scaled").parameters).toEqual({ factor: 3 });
  });

  it("refuses a run name that is already taken, across pipelines", async () => {
    const stack = tempStack();
    const a = pipeline("first", () => void produce());
    const b = pipeline("second", () => void produce());
    await a.run({ stack, onEvent: false, runName: "shared" });
    await expect(b.run({ stack, onEvent: false, runName: "shared" })).rejects.toThrow("Pipeline run with name 'shared' already exists.");
  });

  it("emits progress events for every step", async () => {
    const stack = tempStack();
    const events = collectEvents();
    const flow = pipeline("events", () => {
      double(produce());
    });
    await flow.run({ stack, onEvent: events.onEvent, runName: "events-1" });
    expect(events.events.map((e) => e.type)).toEqual(["run-started", "step-started", "step-finished", "step-started", "step-finished", "run-finished"]);
    await flow.run({ stack, onEvent: events.onEvent, runName: "events-2" });
    expect(events.events.slice(6).map((e) => e.type)).toEqual(["run-started", "step-cached", "step-cached", "run-finished"]);
    const started = events.events[0]!;
    expect(started).toMatchObject({
      type: "run-started",
      pipelineName: "events",
      stackName: "local",
      steps: [
        { name: "produce", upstream: [] },
        { name: "double", upstream: ["produce"] },
      ],
    });
  });

  it("passes named, array and single inputs, and stores named outputs as separate artifacts", async () => {
    const stack = tempStack();
    const pair = step({ name: "pair", outputs: ["left", "right"], run: async () => ({ left: "L", right: new Uint8Array([1, 2, 3]) }) });
    const join = step({
      name: "join",
      run: async ({ left, right }: { left: string; right: Uint8Array }) => `${left}:${Array.from(right).join(",")}`,
    });
    const list = step({ name: "list", run: async ([a, b]: [string, string]) => [a, b] });
    const flow = pipeline("shapes", () => {
      const p = pair();
      const j = join({ left: p.left, right: p.right });
      list([p.left, j]);
    });
    const run = await flow.run({ stack, onEvent: false });
    const pairStep = run.getStep(pair);
    expect(Object.keys(pairStep.outputs).sort()).toEqual(["left", "right"]);
    expect(pairStep.outputs.left.materializer).toBe("zen.string");
    expect(pairStep.outputs.right.materializer).toBe("zen.bytes");
    expect(await pairStep.outputs.right.read()).toEqual(new Uint8Array([1, 2, 3]));
    expect(await run.getStep(join).output.read()).toBe("L:1,2,3");
    expect(await run.getStep(list).output.read()).toEqual(["L", "L:1,2,3"]);
    // Lineage: join read both outputs of pair.
    expect(run.getStep("join").inputs.left!.id).toBe(pairStep.outputs.left.id);
    expect(run.getStep("list").inputs["1"]!.id).toBe(run.getStep("join").output.id);
  });

  it("names a second use of the same step, or uses the name given", async () => {
    const stack = tempStack();
    const flow = pipeline("reuse", () => {
      const x = produce();
      double(x);
      double(x);
      double(x, {}, { name: "triple_double" });
    });
    const run = await flow.run({ stack, onEvent: false });
    expect(run.steps.map((s) => s.name)).toEqual(["produce", "double", "double_2", "triple_double"]);
    expect(run.steps.map((s) => s.stepName)).toEqual(["produce", "double", "double", "double"]);
  });

  it("orders steps with `after` without passing data", async () => {
    const stack = tempStack();
    const order: string[] = [];
    const first = step({ name: "first", run: async () => void order.push("first") });
    const second = step({ name: "second", run: async () => void order.push("second") });
    const flow = pipeline("after", () => {
      const f = first();
      second(undefined, { after: [f] });
    });
    const run = await flow.run({ stack, onEvent: false, enableCache: false });
    expect(order).toEqual(["first", "second"]);
    expect(run.getStep("second").upstream).toEqual(["first"]);
    expect(run.getStep("first").outputs).toEqual({});
  });

  it("explains wiring and definition mistakes", () => {
    expect(() => produce()).toThrow("Step 'produce' was called outside a pipeline.");
    expect(() => step({ name: "bad name", run: async () => 1 })).toThrow("Invalid step name 'bad name'.");
    expect(() => pipeline("empty", () => {}).build()).toThrow("Pipeline 'empty' has no steps.");
    expect(() => pipeline("async", (async () => void produce()) as () => void).build()).toThrow("The builder of pipeline 'async' is async.");
    const foreign = pipeline("a", () => produce()).build().returned;
    expect(() =>
      pipeline("b", () => {
        double(foreign as ReturnType<typeof produce>);
      }).build(),
    ).toThrow("Step 'double' takes an output of 'produce' that is not part of pipeline 'b'.");
    expect(() =>
      pipeline("c", () => {
        double(produce(), {}, { name: "produce" });
      }).build(),
    ).toThrow("Pipeline 'c' has two steps named 'produce'.");
  });
});

describe("the step runner", () => {
  it("reads upstream outputs from the metadata store when another process ran the upstream step", async () => {
    const { executeStep } = await import("../src/pipeline/step-runner.ts");
    const { RecentFiles } = await import("../src/pipeline/materializers.ts");
    const stack = tempStack();
    const plan = pipeline("split-processes", () => {
      double(produce());
    }).build();
    const stepIds = new Map(plan.steps.map((s) => [s.name, `${s.name}-id`]));
    await stack.metadataStore.createRun({
      id: "run-id",
      name: "split-1",
      pipelineName: plan.pipelineName,
      stack: { name: stack.name, components: {} },
      runtimeConfiguration: {},
      parameters: {},
      enableCache: true,
      startedAt: new Date().toISOString(),
      zenVersion: "test",
      steps: plan.steps.map((s) => ({ id: stepIds.get(s.name)!, name: s.name, stepName: s.step.stepName, parameters: s.parameters, upstream: s.upstream })),
    });
    // Each "process" has its own state: nothing shared in memory between the two steps.
    const state = () => ({
      plan,
      stack,
      components: [stack.orchestrator, stack.artifactStore, stack.metadataStore],
      runId: "run-id",
      runName: "split-1",
      enableCache: true,
      stepIds,
      emit: () => {},
      recentFiles: new RecentFiles(),
      outputs: new Map(),
    });
    const signal = new AbortController().signal;
    expect((await executeStep(state(), "produce", signal)).status).toBe("completed");
    expect((await executeStep(state(), "double", signal)).status).toBe("completed");
    const run = await PipelineRepository.forStack(stack).getRun("split-1");
    expect(await run.getStep(double).output.read()).toBe(42);
    expect(run.getStep(double).inputs.input!.id).toBe(run.getStep(produce).output.id);
  });
});
