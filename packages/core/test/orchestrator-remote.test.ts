/**
 * The orchestrator contract for orchestrators that run steps elsewhere: a test orchestrator submits the
 * DAG to a "remote engine" that runs each step in its own process through the step entrypoint
 * (`runStepOfRun`), and follows the run with `run.poll()`. The core reports outcomes, caching and
 * skipped steps exactly as for a local run.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { BaseOrchestrator, type OrchestratorRun, type StepNode } from "../src/components/orchestrator.ts";
import type { PipelineEvent } from "../src/components/run-events.ts";
import type { PipelineRunError } from "../src/pipeline/run-pipeline.ts";
import { createLocalStack } from "../src/builtins/local-stack.ts";
import { CORE_DIR, FIXTURES } from "./pipeline-helpers.ts";
import remotePipeline from "./fixtures/pipelines/remote-pipeline.ts";

const STEP_SCRIPT = path.join(FIXTURES, "remote-step.ts");

function runStepProcess(root: string, runId: string, step: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=zen-source", STEP_SCRIPT, root, runId, step], {
      cwd: CORE_DIR,
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like a workflow engine: runs each step's process once its upstream steps succeeded; stops below a failure. */
class ProcessOrchestrator extends BaseOrchestrator<{ root: string }> {
  readonly logs: string[] = [];

  async runPipeline(run: OrchestratorRun): Promise<void> {
    let engineDone = false;
    const engine = this.engine(run).finally(() => (engineDone = true));
    // Follow the "remote" run the way a synchronous remote orchestrator does.
    while (!engineDone) {
      await run.poll();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await engine;
  }

  private async engine(run: OrchestratorRun): Promise<void> {
    const state = new Map<string, Promise<boolean>>();
    const launch = (node: StepNode): Promise<boolean> => {
      let pending = state.get(node.name);
      if (!pending) {
        pending = (async () => {
          const upstream = await Promise.all(node.upstream.map((u) => launch(run.steps.find((s) => s.name === u)!)));
          if (upstream.includes(false)) return false;
          const result = await runStepProcess(this.config.root, run.runId, node.name);
          this.logs.push(`${node.name}: ${result.stdout.trim().split("\n").join(" | ")}${result.stderr ? ` stderr: ${result.stderr}` : ""}`);
          return result.stdout.includes("OUTCOME completed") || result.stdout.includes("OUTCOME cached");
        })();
        state.set(node.name, pending);
      }
      return pending;
    };
    await Promise.all(run.steps.map(launch));
  }
}

function setup() {
  const root = makeTempDir("zen-remote-");
  const stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
  const orchestrator = new ProcessOrchestrator({ id: "process", name: "process", flavor: "process", config: { root }, configDir: root });
  return { root, orchestrator, stack: { ...stack, orchestrator, components: { ...stack.components, orchestrator } } };
}

function collect() {
  const events: PipelineEvent[] = [];
  return {
    events,
    onEvent: (e: PipelineEvent) => void events.push(e),
    of: (t: string) =>
      events
        .filter((e) => e.type === t)
        .map((e) => ("step" in e ? e.step : ""))
        .sort(),
  };
}

describe("an orchestrator that runs each step in its own process", () => {
  it("gets outputs, records and progress events from the core, and a cached second run", async () => {
    const { stack, orchestrator } = setup();
    const events = collect();
    const view = await remotePipeline.run({ stack, runName: "remote-1", onEvent: events.onEvent, handleSignals: false });
    expect(orchestrator.logs.join("\n")).not.toContain("stderr");
    expect(view.status).toBe("completed");
    expect(Object.fromEntries(view.steps.map((s) => [s.name, s.status]))).toEqual({
      numbers: "completed",
      total: "completed",
      maximum: "completed",
      check: "completed",
      report: "completed",
    });
    const checked = (await view.getStep("check").output.read()) as { sum: number; max: number; pid: number };
    expect(checked).toMatchObject({ sum: 10, max: 4 });
    // Each step ran in a process of its own, not in the test's.
    const numbersPid = ((await view.getStep("numbers").output.read()) as { pid: number }).pid;
    expect(new Set([process.pid, numbersPid, checked.pid]).size).toBe(3);
    expect(await view.getStep("report").output.read()).toBe("sum is 10");
    // The launching process reported every outcome once, read back from the metadata store.
    expect(events.of("step-finished")).toEqual(["check", "maximum", "numbers", "report", "total"]);
    expect(events.of("step-started")).toEqual(["check", "maximum", "numbers", "report", "total"]);
    // Each step's process reported its own progress too.
    expect(orchestrator.logs.find((l) => l.startsWith("total:"))).toContain("EVENT step-started | EVENT step-finished | OUTCOME completed");

    const again = collect();
    const cached = await remotePipeline.run({ stack, runName: "remote-2", onEvent: again.onEvent, handleSignals: false });
    expect(cached.steps.every((s) => s.status === "cached")).toBe(true);
    expect(again.of("step-cached")).toEqual(["check", "maximum", "numbers", "report", "total"]);
    await stack.metadataStore.close();
  }, 120_000);

  it("fails the run naming the failed step; the core reports the steps the engine never started as skipped", async () => {
    const { stack } = setup();
    const events = collect();
    const error = (await rejectionOf(
      remotePipeline.run({ stack, runName: "remote-fail", parameters: { n: 20 }, onEvent: events.onEvent, handleSignals: false }),
    )) as PipelineRunError;
    expect(error.message).toBe("Run 'remote-fail' of pipeline 'remote_sums' failed at step 'check': RangeError: sum 210 is over 100.");
    expect(Object.fromEntries(error.run.steps.map((s) => [s.name, s.status]))).toMatchObject({ check: "failed", report: "skipped", total: "completed" });
    expect(events.of("step-failed")).toEqual(["check"]);
    expect(events.of("step-skipped")).toEqual(["report"]);
    await stack.metadataStore.close();
  }, 120_000);

  it("refuses to run a step of a run that has ended", async () => {
    const { stack, root } = setup();
    const view = await remotePipeline.run({ stack, runName: "remote-ended", parameters: { n: 2 }, onEvent: false, handleSignals: false });
    const result = await runStepProcess(root, view.id, "total");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Run 'remote-ended' has already ended (completed).");
    await stack.metadataStore.close();
  }, 120_000);
});
