/**
 * `zen pipeline run` (the real program, in its own process) on pipelines whose steps use an alerter of
 * the stack: a component's own hint reaches the user when its error fails a step, hooks post
 * structured alerts, and a failing hook is a warning that does not change the run's outcome.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { makeProject, makeTempDir, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { sourceEnv, zenFromSource } from "./zen-from-source.ts";
import { Zen } from "@zen/core";

let project: string;
let env: Record<string, string>;
let outbox: string;

function zen(...args: string[]) {
  return zenFromSource(project, env, args);
}

const alerts = () =>
  existsSync(outbox)
    ? readFileSync(outbox, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

beforeAll(async () => {
  const home = makeTempDir("zen-cli-hooks-");
  project = makeProject({ name: "cli-hooks" });
  outbox = path.join(home, "alerts.jsonl");
  env = sourceEnv(home);
  writeTree(project, {
    // A file-backed alerter flavor: one JSON line per alert; refuses to post while `muted` is set.
    "alerter.ts":
      `import { appendFileSync } from "node:fs";
import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { BaseAlerter, ZenError, defineFlavor, type AlertMessage } from "@zen/core";
class FileAlerter extends BaseAlerter<{ file: string; muted: boolean }> {
  protected async deliver(alert: AlertMessage) {
    if (this.config.muted) {
      throw new ZenError(\`Alerter '\${this.name}' is muted.\`, { code: "ZEN_ALERTER_MUTED", ` +
      `hint: \`Unmute it: zen alerter update \${this.name} --muted=false\` });
    }
    appendFileSync(this.config.file, JSON.stringify(alert) + "\\n");
    return true;
  }
}
export const fileAlerter = defineFlavor({
  type: "alerter",
  name: "file",
  description: "Appends alerts to a file",
  config: z.object({ file: z.string(), muted: z.boolean().default(false) }),
  implementation: async () => FileAlerter,
});
`,
    "alerting.ts":
      `import { pipeline, step } from "@zen/core";
const train = step({
  name: "train",
  enableCache: false,
  run: async (_: void, _params, ctx) => {
    await ctx.stack.alerter?.post("training started");
    return 0.93;
  },
  onSuccess: () => { throw new Error("dashboard unreachable"); },
});
const evaluate = step({
  name: "evaluate",
  enableCache: false,
  run: async (accuracy: number): Promise<number> => { throw new RangeError("accuracy " + accuracy + " below 0.95"); },
});
export default pipeline("alerting", {
  onFailure: async (ctx) => {
    await ctx.stack.alerter?.post({ title: "Run failed", text: ctx.runName + ": " + ctx.error.message, ` +
      `severity: "error", fields: { failed: ctx.failedSteps.map((f) => f.step).join(",") } });
  },
}, () => { evaluate(train()); });
`,
  });
  const facade = await Zen.open({ cwd: project, env, onNotice: () => {} });
  await facade.registerCustomFlavor("alerter", "./alerter.ts#fileAlerter");
  await facade.registerComponent("alerter", "team", "file", { file: outbox });
  await facade.registerComponent("alerter", "muted", "file", { file: outbox, muted: true });
  await facade.updateStack("default", { alerter: "team" });
});

describe("zen pipeline run with an alerter in the stack", () => {
  it("posts from the step and from the failure hook, and warns about a failing success hook", () => {
    const result = zen("pipeline", "run", "alerting.ts", "--run-name", "alerting-1");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Warning: the onSuccess hook of step 'train' failed: dashboard unreachable");
    expect(result.stderr).toContain("Error: Run 'alerting-1' of pipeline 'alerting' failed at step 'evaluate': RangeError: accuracy 0.93 below 0.95.");
    expect(alerts()).toEqual([
      { text: "training started", severity: "info", fields: {} },
      { text: "alerting-1: accuracy 0.93 below 0.95", title: "Run failed", severity: "error", fields: { failed: "evaluate" } },
    ]);
    // The failing hook changed nothing: train is recorded as completed.
    const described = zen("pipeline", "runs", "describe", "alerting-1");
    expect(described.stdout).toMatch(/✓ train {2}completed/);
  });

  it("shows the component's own hint when its error fails a step", async () => {
    const facade = await Zen.open({ cwd: project, env, onNotice: () => {} });
    await facade.updateStack("default", { alerter: "muted" });
    const result = zen("pipeline", "run", "alerting.ts", "--run-name", "alerting-muted");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Error: Run 'alerting-muted' of pipeline 'alerting' failed at step 'train': Alerter 'muted' is muted.");
    expect(result.stderr).toContain("Hint: Unmute it: zen alerter update muted --muted=false");
    expect(result.stderr).not.toContain("Fix the step and run again");
    // The failure hook's own post failed too: reported, and the step's error stays the run's error.
    expect(result.stderr).toContain("Warning: the onFailure hook of run 'alerting-muted' failed: Alerter 'muted' is muted.");
  });
});
