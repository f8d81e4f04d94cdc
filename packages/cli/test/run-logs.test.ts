/** `zen pipeline runs logs RUN [STEP]` as real processes: what steps printed, per step, and why a step has none. */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { makeProject, makeTempDir, writeTree } from "@zen/test-utils";
import { sourceEnv, zenFromSource } from "./zen-from-source.ts";

let project: string;
let env: Record<string, string>;

function zen(...args: string[]) {
  return zenFromSource(project, env, args);
}

beforeAll(() => {
  const home = makeTempDir("zen-cli-logs-");
  project = makeProject({ name: "cli-logs" });
  env = sourceEnv(home);
  writeTree(project, {
    "talk.ts": `import { pipeline, step } from "@zen/core";
const load = step({ name: "load", run: async () => { console.log("loading 3 rows"); console.error("row 2 looks odd"); return [1, 2, 3]; } });
const quiet = step({ name: "quiet", run: async (rows: number[]) => rows.length });
const boom = step({
  name: "boom",
  run: async (rows: number[]): Promise<number> => {
    console.log("dividing", rows.length, "by zero");
    throw new Error("division by zero");
  },
});
const after = step({ name: "after", run: async (x: number) => x });
export default pipeline("talk", () => { const rows = load(); quiet(rows); after(boom(rows)); });
`,
  });
  // The first run fails at boom (after is skipped); the second takes load and quiet from the cache.
  expect(zen("pipeline", "run", "talk.ts", "--run-name", "talk-1").status).toBe(1);
  expect(zen("pipeline", "run", "talk.ts", "--run-name", "talk-2").status).toBe(1);
});

describe("zen pipeline runs logs", () => {
  it("prints one step's log as the step printed it (stdout and stderr)", () => {
    const result = zen("pipeline", "runs", "logs", "talk-1", "load");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("loading 3 rows\nrow 2 looks odd\n");
  });

  it("keeps a failed step's output and its error", () => {
    const result = zen("pipeline", "runs", "logs", "talk-1", "boom");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^dividing 3 by zero\n\[zen: the step failed\] Error: division by zero\n {4}at /);
  });

  it("without a step prints every step in order under a header, saying why a step has none", () => {
    const result = zen("pipeline", "runs", "logs", "talk-1");
    expect(result.status).toBe(0);
    const blocks = result.stdout.split(/\n(?===> )/);
    expect(blocks.map((b) => b.split("\n")[0])).toEqual([
      "==> load (completed) <==",
      "==> quiet (completed) <==",
      "==> boom (failed) <==",
      "==> after (skipped) <==",
    ]);
    expect(blocks[0]).toBe("==> load (completed) <==\nloading 3 rows\nrow 2 looks odd\n");
    expect(blocks[1]).toBe("==> quiet (completed) <==\n(printed nothing)\n");
    expect(blocks[2]).toContain("dividing 3 by zero\n[zen: the step failed] Error: division by zero\n");
    expect(blocks[3]).toBe("==> after (skipped) <==\n(no logs: it was not started (an upstream step failed))\n");
  });

  it("--output json gives each step's log or the reason it has none", () => {
    const result = zen("pipeline", "runs", "logs", "talk-2", "--output", "json");
    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout) as { kind: string; formatVersion: number; item: { run: string; steps: Record<string, unknown>[] } };
    expect(document.kind).toBe("pipeline_run_logs");
    expect(document.formatVersion).toBe(1);
    expect(document.item.run).toBe("talk-2");
    expect(document.item.steps.map((s) => [s.step, s.status, s.logs === null ? s.reason : "logs"])).toEqual([
      ["load", "cached", "it was cached (unchanged since run 'talk-1'), not run"],
      ["quiet", "cached", "it was cached (unchanged since run 'talk-1'), not run"],
      ["boom", "failed", "logs"],
      ["after", "skipped", "it was not started (an upstream step failed)"],
    ]);

    const one = JSON.parse(zen("pipeline", "runs", "logs", "talk-1", "load", "--output", "json").stdout) as { kind: string; item: unknown };
    expect(one).toEqual({
      kind: "pipeline_step_logs",
      formatVersion: 1,
      item: { run: "talk-1", pipeline: "talk", step: "load", status: "completed", logs: "loading 3 rows\nrow 2 looks odd\n" },
    });
  });

  it("a cached step's logs: a clear error pointing to the run that executed it", () => {
    const result = zen("pipeline", "runs", "logs", "talk-2", "load");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Step 'load' of run 'talk-2' has no logs: it was cached (unchanged since run 'talk-1'), not run.");
    expect(result.stderr).toContain("zen pipeline runs logs talk-1 load");
  });

  it("an unknown run or step is a clear error; RUN is required", () => {
    const run = zen("pipeline", "runs", "logs", "nope");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("No pipeline run 'nope' found.");
    const step = zen("pipeline", "runs", "logs", "talk-1", "nope");
    expect(step.status).toBe(1);
    expect(step.stderr).toContain("Run 'talk-1' has no step 'nope'.");
    expect(step.stderr).toContain("load, quiet, boom, after");
    const missing = zen("pipeline", "runs", "logs");
    expect(missing.status).toBe(2);
  });

  it("--help says what it shows", () => {
    const result = zen("pipeline", "runs", "logs", "--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("show what a run's steps printed");
    expect(result.stdout).toMatch(/RUN/i);
    expect(result.stdout).toMatch(/STEP/i);
  });
});
