/** What the core does with an orchestrator that breaks or bends the contract. */
import { describe, expect, it } from "@jest/globals";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { BaseOrchestrator, type OrchestratorRun } from "../src/components/orchestrator.ts";
import { ZenError } from "../src/errors.ts";
import type { PipelineEvent } from "../src/components/run-events.ts";
import { pipeline } from "../src/pipeline/pipeline.ts";
import type { PipelineRunError } from "../src/pipeline/run-pipeline.ts";
import { step } from "../src/pipeline/step.ts";
import { createLocalStack } from "../src/builtins/local-stack.ts";

class ScriptedOrchestrator extends BaseOrchestrator<Record<string, never>> {
  constructor(private readonly script: (run: OrchestratorRun) => Promise<void>) {
    super({ id: "scripted", name: "scripted", flavor: "scripted", config: {}, configDir: "/nonexistent" });
  }
  runPipeline(run: OrchestratorRun): Promise<void> {
    return this.script(run);
  }
}

let executions = 0;
const first = step({ name: "first", enableCache: false, run: () => ++executions });
const second = step({ name: "second", enableCache: false, run: (x: number) => x + 1 });
const chain = pipeline("contract_chain", () => {
  second(first());
});

function stackWith(script: (run: OrchestratorRun) => Promise<void>) {
  const local = createLocalStack({ root: makeTempDir("zen-contract-") });
  const orchestrator = new ScriptedOrchestrator(script);
  return { ...local, orchestrator, components: { ...local.components, orchestrator } };
}

describe("the orchestrator contract", () => {
  it("fails the run when the orchestrator returns without running every step", async () => {
    const stack = stackWith(async (run) => void (await run.runStep("first")));
    const error = (await rejectionOf(chain.run({ stack, runName: "lazy", onEvent: false, handleSignals: false }))) as PipelineRunError;
    expect(error.message).toBe(
      "Run 'lazy' of pipeline 'contract_chain' failed: The orchestrator of stack 'local' ended the run without running step 'second'.",
    );
    expect(error.hint).toContain("it must run every step");
    expect(Object.fromEntries(error.run.steps.map((s) => [s.name, s.status]))).toEqual({ first: "completed", second: "skipped" });
  });

  it("keeps the hint of an orchestrator's own error", async () => {
    const stack = stackWith(async () => {
      throw new ZenError("The workflow service refused the submission.", { code: "ZEN_SUBMIT", hint: "Check the service's quota." });
    });
    const error = (await rejectionOf(chain.run({ stack, runName: "refused", onEvent: false, handleSignals: false }))) as PipelineRunError;
    expect(error.message).toBe("Run 'refused' of pipeline 'contract_chain' failed: The workflow service refused the submission.");
    expect(error.hint).toBe("Check the service's quota.");
    expect(error.run.status).toBe("failed");
  });

  it("fails a step the orchestrator starts before its upstream step ended, without running it", async () => {
    const stack = stackWith(async (run) => {
      const early = run.runStep("second");
      await run.runStep("first");
      expect((await early).status).toBe("failed");
    });
    const error = (await rejectionOf(chain.run({ stack, runName: "early", onEvent: false, handleSignals: false }))) as PipelineRunError;
    expect(error.message).toBe(
      "Run 'early' of pipeline 'contract_chain' failed at step 'second': the orchestrator started it before its upstream step 'first' ended.",
    );
    expect(error.run.getStep("first").status).toBe("completed");
    expect(error.run.getStep("second").status).toBe("failed");
  });

  it("runs a step once when asked twice, and reports each outcome once", async () => {
    const events: PipelineEvent[] = [];
    const stack = stackWith(async (run) => {
      const [a, b] = await Promise.all([run.runStep("first"), run.runStep("first")]);
      expect(a).toBe(b);
      await run.runStep("second");
    });
    const before = executions;
    const view = await chain.run({ stack, runName: "twice", onEvent: (e) => void events.push(e), handleSignals: false });
    expect(executions - before).toBe(1);
    expect(view.status).toBe("completed");
    expect(events.filter((e) => e.type === "step-finished").map((e) => "step" in e && e.step)).toEqual(["first", "second"]);
  });
});
