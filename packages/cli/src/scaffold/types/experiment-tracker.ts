/** Experiment tracker: a working one that writes what steps log to JSON-lines files, one per pipeline run. */
import type { TypeTemplate } from "../type-template.ts";

export const experimentTrackerTemplate: TypeTemplate = {
  description: () => "Logs the parameters and metrics of runs to a tracking service",
  usesSecretField: true,
  configFields:
    () => `    tracking_dir: z.string().min(1).meta({ description: "Directory the skeleton writes its records to (replace it with your service's URL)" }),
    // A secret field only accepts a reference like {{tracking.token}}, resolved through the stack's
    // secrets manager when the tracker is used: the value is never stored or shown.
    api_token: secretField("API token of the tracking service").optional(),`,
  exampleConfig: (n) => ({ tracking_dir: `/tmp/${n.flavor}-tracking` }),
  invalidConfigs: () => [{}, { tracking_dir: "" }, { tracking_dir: "/tmp/x", api_token: "a-literal-token" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` writes what steps log to
\`<tracking_dir>/<pipeline>/<run>.jsonl\` (one tracking run per pipeline run, shared by its steps), so
it works — and passes the conformance suite — before you change anything. Steps log with
\`ctx.stack.components.experiment_tracker.log(ctx, { params, metrics })\`. Replace the file writes
with calls to your tracking service; \`prepareStepRun\`/\`cleanupStepRun\` are where a client
opens and closes its run.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` experiment tracker. Steps log parameters and metrics through it:
 *
 *   const tracker = ctx.stack.components.experiment_tracker as ${n.className};
 *   await tracker.log(ctx, { params: { learning_rate: 0.01 }, metrics: { loss: 0.2 } });
 *
 * This skeleton appends them to \`<tracking_dir>/<pipeline>/<run>.jsonl\` (one record per pipeline run,
 * shared by its steps), so it works before you change anything. Replace the file writes with calls to
 * your tracking service.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { BaseExperimentTracker, ZenError, type StepRunInfo } from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export interface TrackedValues {
  params: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
}

export class ${n.className} extends BaseExperimentTracker<${n.configType}> {
  /** Steps running now, as \`<run>/<step>\`: a step may only log between its prepare and cleanup hooks. */
  readonly #active = new Set<string>();

  override async prepareStepRun(step: StepRunInfo): Promise<void> {
    // A tracking client would open (or join) the tracking run of this pipeline run here.
    this.#active.add(\`\${step.runName}/\${step.stepName}\`);
  }

  override async cleanupStepRun(step: StepRunInfo): Promise<void> {
    this.#active.delete(\`\${step.runName}/\${step.stepName}\`);
  }

  /** Logs parameters and metrics of the running step \`step\` (a step's \`ctx\`). */
  async log(step: StepRunInfo, values: Partial<TrackedValues>): Promise<void> {
    if (!this.#active.has(\`\${step.runName}/\${step.stepName}\`)) {
      throw new ZenError(\`Step '\${step.stepName}' of run '\${step.runName}' is not running on experiment tracker '\${this.name}'.\`, {
        hint: "Log from inside a step, through ctx.stack.components.experiment_tracker.",
      });
    }
    const file = this.recordFile(step.pipelineName, step.runName);
    mkdirSync(path.dirname(file), { recursive: true });
    const entry = { step: step.stepName, at: new Date().toISOString(), params: values.params ?? {}, metrics: values.metrics ?? {} };
    appendFileSync(file, \`\${JSON.stringify(entry)}\\n\`);
  }

  /** What was logged in one pipeline run: every parameter, and the last value of each metric. */
  readRun(pipelineName: string, runName: string): TrackedValues | undefined {
    const file = this.recordFile(pipelineName, runName);
    if (!existsSync(file)) return undefined;
    const run: TrackedValues = { params: {}, metrics: {} };
    for (const line of readFileSync(file, "utf8").split("\\n").filter(Boolean)) {
      const entry = JSON.parse(line) as TrackedValues;
      Object.assign(run.params, entry.params);
      Object.assign(run.metrics, entry.metrics);
    }
    return run;
  }

  private recordFile(pipelineName: string, runName: string): string {
    return path.join(this.config.tracking_dir, encodeURIComponent(pipelineName), \`\${encodeURIComponent(runName)}.jsonl\`);
  }
}
`,
  test: (n) => ({
    imports: [
      `import { mkdtempSync, rmSync } from "node:fs";`,
      `import { tmpdir } from "node:os";`,
      `import { join } from "node:path";`,
      `import { describeExperimentTrackerConformance, describeFlavorConformance } from "@zen/core/testing";`,
    ],
    body: `// The behaviour every experiment tracker owes zen, on real pipeline runs whose steps log through it;
// the recorder reads back what the tracker stored.
describeExperimentTrackerConformance("${n.flavor}", async () => {
  const dir = mkdtempSync(join(tmpdir(), "${n.flavor}-tracking-"));
  const tracker = new ${n.className}({
    id: "${n.flavor}-conformance",
    name: "${n.flavor}_conformance",
    flavor: "${n.flavor}",
    config: { tracking_dir: dir },
    configDir: dir,
  });
  return {
    tracker,
    log: (t, values, ctx) => t.log(ctx, values),
    recorded: async ({ pipelineName, runName }) => tracker.readRun(pipelineName, runName),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
`,
  }),
};
