/**
 * The experiment tracker conformance suite, on a tracker that records into memory (core has no
 * built-in tracker): it only accepts values from a step between its prepareStepRun and
 * cleanupStepRun hooks, as a real tracker that opens a tracking run per pipeline run would.
 */
import { BaseExperimentTracker, type StepRunInfo } from "../src/index.ts";
import { describeExperimentTrackerConformance, type TrackedValues } from "../src/testing/index.ts";

class RecordingTracker extends BaseExperimentTracker {
  readonly records = new Map<string, TrackedValues>();
  readonly #activeSteps = new Set<string>();

  override async prepareStepRun(step: StepRunInfo): Promise<void> {
    this.#activeSteps.add(`${step.runName}/${step.stepName}`);
  }

  override async cleanupStepRun(step: StepRunInfo): Promise<void> {
    this.#activeSteps.delete(`${step.runName}/${step.stepName}`);
  }

  log(step: StepRunInfo, values: TrackedValues): void {
    if (!this.#activeSteps.has(`${step.runName}/${step.stepName}`)) throw new Error(`No active tracking run for step '${step.stepName}'.`);
    const key = `${step.pipelineName}/${step.runName}`;
    const record = this.records.get(key) ?? { params: {}, metrics: {} };
    Object.assign(record.params, values.params);
    Object.assign(record.metrics, values.metrics);
    this.records.set(key, record);
  }
}

describeExperimentTrackerConformance("in-memory recorder", async () => {
  const tracker = new RecordingTracker({ id: "recorder", name: "recorder", flavor: "recorder", config: {}, configDir: "/nonexistent" });
  return {
    tracker,
    log: (t, values, ctx) => t.log(ctx, values),
    recorded: async ({ pipelineName, runName }) => tracker.records.get(`${pipelineName}/${runName}`),
  };
});
