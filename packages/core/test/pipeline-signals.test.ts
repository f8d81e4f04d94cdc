import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { PipelineRepository, createLocalStack } from "../src/index.ts";
import { FIXTURES, runScript } from "./pipeline-helpers.ts";

async function cancelWith(signal: NodeJS.Signals) {
  const root = makeTempDir("zen-signal-");
  const result = await runScript(path.join(FIXTURES, "slow-pipeline.ts"), [root, `slow-${signal}`], {
    onStdout: (text, child) => {
      if (text.includes("SLOW_STARTED") && !child.killed) child.kill(signal);
    },
  });
  return { root, result };
}

describe("SIGINT and SIGTERM during a run", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} marks the run cancelled, settles every step, cleans up and ends the process by the signal`, async () => {
      const { root, result } = await cancelWith(signal);
      // The process ended by the same signal (not a crash, not a normal exit), long before the step's 60 s.
      expect(result.signal).toBe(signal);
      expect(result.stdout).not.toContain("FINISHED");
      expect(existsSync(path.join(root, "cleanup-done"))).toBe(true);
      expect(readFileSync(path.join(root, "cleanup-done"), "utf8")).toBe("yes");

      // A new process reads consistent metadata: nothing left pending or running.
      const stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
      const repository = PipelineRepository.forStack(stack);
      const run = await repository.getRun(`slow-${signal}`);
      expect(run.status).toBe("cancelled");
      expect(run.error).toBe(`cancelled: received ${signal}`);
      expect(run.endedAt).toBeDefined();
      expect(Object.fromEntries(run.steps.map((s) => [s.name, s.status]))).toEqual({
        quick: "completed",
        slow: "cancelled",
        after_slow: "cancelled",
      });
      expect(run.getStep("slow").error).toBe("cancelled while running");
      // Completed outputs are kept.
      expect(await run.getStep("quick").output.read()).toBe("quick result");
      await stack.metadataStore.close();
    });
  }
});
