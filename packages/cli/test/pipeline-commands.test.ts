/** `zen pipeline run | list | runs list | runs describe` as real processes, on a temp config directory. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { makeProject, makeTempDir, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { sourceEnv, zenFromSource } from "./zen-from-source.ts";
import { Zen } from "@zen/core";

let project: string;
let env: Record<string, string>;
let trackerLog: string;

function zen(...args: string[]) {
  return zenFromSource(project, env, args);
}

beforeAll(async () => {
  const home = makeTempDir("zen-cli-pipeline-");
  project = makeProject({ name: "cli-pipelines" });
  trackerLog = path.join(home, "tracker.log");
  env = sourceEnv(home);
  writeTree(project, {
    "pipeline.ts":
      `import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { pipeline, step } from "@zen/core";
const numbers = step({ name: "numbers", parameters: z.object({ n: z.number().int() }), ` +
      `run: async (_: void, { n }) => Array.from({ length: n }, (_, i) => i + 1) });
const total = step({ name: "total", run: async (xs: number[]) => xs.reduce((a, b) => a + b, 0) });
export default pipeline("sums", { parameters: z.object({ n: z.number().int().default(3) }) }, ({ n }) => {
  total(numbers({ n }));
});
`,
    "failing.ts": `import { pipeline, step } from "@zen/core";
const ok = step({ name: "ok", run: async () => 1 });
const boom = step({ name: "boom", run: async (x: number): Promise<number> => { throw new Error("division by zero in boom " + x); } });
const after = step({ name: "after", run: async (x: number) => x });
export const failing = pipeline("failing", () => { after(boom(ok())); });
`,
    "two.ts": `import { pipeline, step } from "@zen/core";
const s = step({ name: "s", run: async () => 1 });
export const a = pipeline("a", () => { s(); });
export const b = pipeline("b", () => { s(); });
`,
    "none.ts": `export const notAPipeline = 42;\n`,
    "run.yaml": "run_name: sums-from-config\nparameters:\n  n: 4\nruntime_param_1: 3\nanother_param: luna\n",
    // A custom experiment tracker that records what preparePipelineDeployment receives.
    "tracker.ts": `import { appendFileSync } from "node:fs";
import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { BaseExperimentTracker, defineFlavor, type PipelineDeployment } from "@zen/core";
class FileTracker extends BaseExperimentTracker<{ file: string }> {
  override async preparePipelineDeployment(deployment: PipelineDeployment) {
    appendFileSync(this.config.file, JSON.stringify(deployment) + "\\n");
  }
}
export const fileTracker = defineFlavor({
  type: "experiment_tracker",
  name: "file",
  description: "Records deployments in a file",
  config: z.object({ file: z.string() }),
  implementation: async () => FileTracker,
});
`,
  });
  const facade = await Zen.open({ cwd: project, env, onNotice: () => {} });
  await facade.registerCustomFlavor("experiment_tracker", "./tracker.ts#fileTracker");
  await facade.registerComponent("experiment_tracker", "recorder", "file", { file: trackerLog });
  await facade.updateStack("default", { experiment_tracker: "recorder" });
});

describe("zen pipeline", () => {
  it("runs a pipeline file with a run configuration whose runtime options reach the components", () => {
    const result = zen("pipeline", "run", "pipeline.ts", "--config", "run.yaml");
    expect(result.stderr).toContain("Running pipeline 'sums' on stack 'default' as run 'sums-from-config' (2 steps).");
    expect(result.stdout).toContain("Run 'sums-from-config' of pipeline 'sums' completed on stack 'default': 2 steps executed, 0 reused from the cache.");
    expect(result.status).toBe(0);
    const deployments = readFileSync(trackerLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(deployments).toEqual([
      { pipelineName: "sums", runName: "sums-from-config", stackName: "default", runtimeConfiguration: { runtime_param_1: 3, another_param: "luna" } },
    ]);

    const described = zen("pipeline", "runs", "describe", "sums-from-config", "--output", "json");
    expect(described.status).toBe(0);
    const doc = JSON.parse(described.stdout) as {
      kind: string;
      item: { parameters: unknown; runtimeConfiguration: unknown; steps: { name: string; status: string }[] };
    };
    expect(doc.kind).toBe("pipeline_run");
    expect(doc.item.parameters).toEqual({ n: 4 });
    expect(doc.item.runtimeConfiguration).toEqual({ runtime_param_1: 3, another_param: "luna" });
    expect(doc.item.steps.map((s) => [s.name, s.status])).toEqual([
      ["numbers", "completed"],
      ["total", "completed"],
    ]);
  });

  it("reuses the cache on the next run, and not with --no-cache; describe shows each decision and output", () => {
    const cached = zen("pipeline", "run", "pipeline.ts", "--run-name", "sums-cached", "--config", "run.yaml");
    expect(cached.status).toBe(0);
    expect(cached.stdout).toContain("0 steps executed, 2 reused from the cache.");
    const uncached = zen("pipeline", "run", "pipeline.ts", "--run-name", "sums-uncached", "--no-cache", "-q");
    expect(uncached.status).toBe(0);
    expect(uncached.stdout).toContain("2 steps executed, 0 reused from the cache.");
    expect(uncached.stderr).toBe("");

    const table = zen("pipeline", "runs", "describe", "sums-cached");
    expect(table.status).toBe(0);
    expect(table.stdout).toContain("Run 'sums-cached' of pipeline 'sums': completed");
    expect(table.stdout).toMatch(/↺ numbers {2}cached/);
    expect(table.stdout).toContain("cache    cached: unchanged since run 'sums-from-config'");
    expect(table.stdout).toMatch(/output {3}output → \S+\/sums\/total\/output\/\S+ {2}\[zen.json, sha256:/);
    expect(table.stdout).toContain("(from an earlier run)");
    expect(table.stdout).toContain("runtime options  runtime_param_1=3, another_param=luna");

    const latest = zen("pipeline", "runs", "describe");
    expect(latest.stdout).toContain("Run 'sums-uncached'");
    expect(latest.stdout).toContain("cache    ran: cache disabled for this run");
  });

  it("lists pipelines and runs as tables, JSON and YAML", () => {
    const pipelines = zen("pipeline", "list");
    expect(pipelines.status).toBe(0);
    expect(pipelines.stdout).toMatch(/sums\s+│\s+3/);
    const json = JSON.parse(zen("pipeline", "list", "--output", "json").stdout) as {
      kind: string;
      formatVersion: number;
      items: { name: string; runCount: number }[];
    };
    expect(json).toMatchObject({ kind: "pipeline_list", formatVersion: 1 });
    expect(json.items.map((p) => [p.name, p.runCount])).toEqual([["sums", 3]]);

    const runs = zen("pipeline", "runs", "list", "--pipeline", "sums", "--output", "yaml");
    expect(runs.status).toBe(0);
    expect(runs.stdout).toContain("kind: pipeline_run_list");
    expect([...runs.stdout.matchAll(/^ {2}- id: /gm)]).toHaveLength(3);
    expect(runs.stdout.indexOf("name: sums-uncached")).toBeLessThan(runs.stdout.indexOf("name: sums-from-config"));
    const table = zen("pipeline", "runs", "list", "--limit", "1");
    expect(table.stdout).toContain("sums-uncached");
    expect(table.stdout).not.toContain("sums-cached");
    expect(zen("pipeline", "runs", "list", "--pipeline", "nope").stderr).toContain("No pipeline 'nope' has run on this stack.");
  });

  it("exits 1 naming the failed step and its error when a step throws", () => {
    const result = zen("pipeline", "run", "failing.ts", "--run-name", "failing-1");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Error: Run 'failing-1' of pipeline 'failing' failed at step 'boom': division by zero in boom 1.");
    expect(result.stderr).toContain("Hint: Fix the step and run again; completed steps are reused from the cache. Not started: after.");
    const described = zen("pipeline", "runs", "describe", "failing-1");
    expect(described.stdout).toContain("Run 'failing-1' of pipeline 'failing': failed");
    expect(described.stdout).toMatch(/✗ boom {2}failed/);
    expect(described.stdout).toContain("error    division by zero in boom 1");
    expect(described.stdout).toMatch(/- after {2}skipped/);
  });

  it("explains a file without exactly one pipeline, and a bad run configuration", () => {
    const none = zen("pipeline", "run", "none.ts");
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("exports no pipeline.");
    const two = zen("pipeline", "run", "two.ts");
    expect(two.status).toBe(2);
    expect(two.stderr).toContain("exports several pipelines: a, b.");
    expect(two.stderr).toContain("Choose one: two.ts#a, two.ts#b.");
    const chosen = zen("pipeline", "run", "two.ts#b", "-q");
    expect(chosen.status).toBe(0);
    expect(chosen.stdout).toContain("of pipeline 'b' completed");
    const missing = zen("pipeline", "run", "missing.ts");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("No pipeline file");
    writeTree(project, { "bad.yaml": "enable_cache: sometimes\n" });
    const bad = zen("pipeline", "run", "pipeline.ts", "--config", "bad.yaml");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("'enable_cache' in the run configuration 'bad.yaml' must be true or false.");
  });
});
