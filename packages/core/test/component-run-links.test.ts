/**
 * What components learn and leave about a run: their page of the run (`runLink`), kept with the
 * run's record in the metadata store, and each step's outcome given to `cleanupStepRun`.
 */
import { describe, expect, it } from "@jest/globals";
import { BaseExperimentTracker, PipelineRepository, PipelineRunError, pipeline, step, type PipelineDeployment, type StepRunInfo } from "../src/index.ts";
import { tempStack } from "./pipeline-helpers.ts";

class LinkingTracker extends BaseExperimentTracker {
  readonly ended: StepRunInfo[] = [];
  override async runLink(deployment: PipelineDeployment): Promise<string | undefined> {
    return `https://tracker.invalid/runs/${deployment.runName}`;
  }
  override async cleanupStepRun(step: StepRunInfo): Promise<void> {
    this.ended.push(step);
  }
}

const ok = step({ name: "ok", enableCache: false, run: async () => 1 });
const boom = step({
  name: "boom",
  enableCache: false,
  run: async (_x: number): Promise<number> => {
    throw new RangeError("out of range");
  },
});

function stackWith(tracker?: LinkingTracker) {
  const base = tempStack();
  return { ...base, components: { ...base.components, ...(tracker ? { experiment_tracker: tracker } : {}) } };
}

describe("components' links and step outcomes", () => {
  it("keeps a component's page of the run with its record, and tells cleanupStepRun how each step ended", async () => {
    const tracker = new LinkingTracker({ id: "t", name: "tracker", flavor: "test", config: {}, configDir: "/nonexistent" });
    const stack = stackWith(tracker);
    const flow = pipeline("linked", () => {
      boom(ok());
    });
    await expect(flow.run({ stack, runName: "linked-1", onEvent: false, handleSignals: false })).rejects.toThrow(PipelineRunError);

    const run = await PipelineRepository.forStack(stack).getRun("linked-1");
    expect(run.links).toEqual({ experiment_tracker: "https://tracker.invalid/runs/linked-1" });
    expect(run.toJSON()).toMatchObject({ links: { experiment_tracker: "https://tracker.invalid/runs/linked-1" } });
    expect(tracker.ended.map((s) => [s.stepName, s.outcome])).toEqual([
      ["ok", { status: "completed" }],
      ["boom", { status: "failed", error: "RangeError: out of range" }],
    ]);
  });

  it("records no links for a stack whose components have none (the JSON form has no links key)", async () => {
    const stack = stackWith();
    const flow = pipeline("unlinked", () => {
      ok();
    });
    const run = await flow.run({ stack, runName: "unlinked-1", onEvent: false, handleSignals: false });
    expect(run.links).toEqual({});
    expect("links" in run.toJSON()).toBe(false);
  });
});
