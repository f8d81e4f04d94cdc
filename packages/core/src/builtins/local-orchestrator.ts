/**
 * The `local` orchestrator: runs the DAG in this process. Steps whose upstream steps are done run
 * concurrently (at most `maxConcurrency` at a time); a failed step stops its dependants while
 * independent branches go on; a cancelled run stops scheduling at once.
 */
import os from "node:os";
import {
  BaseOrchestrator,
  type OrchestratorResult,
  type OrchestratorRun,
  type StepNode,
  type StepOutcome,
} from "../components/orchestrator.ts";
import { ValidationError } from "../errors.ts";

export interface LocalOrchestratorConfig extends Record<string, unknown> {
  /** Steps running at the same time; default max(4, CPUs). A runtime option `maxConcurrency` overrides it. */
  maxConcurrency?: number;
}

export class LocalOrchestrator extends BaseOrchestrator<LocalOrchestratorConfig> {
  async runPipeline(run: OrchestratorRun): Promise<OrchestratorResult> {
    const limit = this.concurrency(run);
    const runName = run.deployment.runName;
    const dependants = new Map<string, StepNode[]>();
    const waiting = new Map<string, number>();
    for (const step of run.steps) {
      waiting.set(step.name, step.upstream.length);
      for (const up of step.upstream) {
        let list = dependants.get(up);
        if (!list) dependants.set(up, (list = []));
        list.push(step);
      }
    }
    const ready: StepNode[] = run.steps.filter((s) => s.upstream.length === 0);
    let readyIndex = 0;
    const failed: OrchestratorResult["failed"] = [];
    const skipped: string[] = [];
    const skippedSet = new Set<string>();
    let running = 0;
    let finished = 0;
    const total = run.steps.length;

    return new Promise<OrchestratorResult>((resolve) => {
      let done = false;
      const finish = (status: OrchestratorResult["status"]) => {
        if (done) return;
        done = true;
        run.signal.removeEventListener("abort", onAbort);
        resolve({ status, failed, skipped });
      };
      // Cancellation does not wait for running steps: their in-process work cannot be interrupted,
      // and the run's metadata is settled by the caller right away.
      const onAbort = () => finish("cancelled");
      run.signal.addEventListener("abort", onAbort, { once: true });

      const skipDependants = (name: string, cause: string) => {
        const stack = [...(dependants.get(name) ?? [])];
        while (stack.length > 0) {
          const next = stack.pop()!;
          if (skippedSet.has(next.name)) continue;
          skippedSet.add(next.name);
          skipped.push(next.name);
          finished++;
          run.emit({ type: "step-skipped", runName, step: next.name, reason: `upstream step '${cause}' failed` });
          stack.push(...(dependants.get(next.name) ?? []));
        }
      };

      const settle = (node: StepNode, outcome: StepOutcome) => {
        running--;
        finished++;
        if (done) return;
        switch (outcome.status) {
          case "completed":
            run.emit({ type: "step-finished", runName, step: node.name, durationMs: outcome.durationMs, cacheReason: outcome.cacheReason });
            break;
          case "cached":
            run.emit({ type: "step-cached", runName, step: node.name, reason: outcome.cacheReason ?? "cached" });
            break;
          case "failed": {
            const error = outcome.error ?? new Error("unknown error");
            failed.push({ step: node.name, error });
            run.emit({ type: "step-failed", runName, step: node.name, durationMs: outcome.durationMs, error: errorText(error) });
            skipDependants(node.name, node.name);
            break;
          }
          case "cancelled":
            finish("cancelled");
            return;
        }
        if (outcome.status === "completed" || outcome.status === "cached") {
          for (const next of dependants.get(node.name) ?? []) {
            const left = waiting.get(next.name)! - 1;
            waiting.set(next.name, left);
            if (left === 0 && !skippedSet.has(next.name)) ready.push(next);
          }
        }
        pump();
      };

      const pump = () => {
        if (done) return;
        if (run.signal.aborted) return finish("cancelled");
        while (running < limit && readyIndex < ready.length) {
          const node = ready[readyIndex++]!;
          if (skippedSet.has(node.name)) continue;
          running++;
          run.executeStep(node.name, run.signal).then(
            (outcome) => settle(node, outcome),
            (error: unknown) => settle(node, { status: "failed", durationMs: 0, error: error instanceof Error ? error : new Error(String(error)) }),
          );
        }
        if (running === 0 && readyIndex >= ready.length) {
          if (finished < total && failed.length === 0) {
            // Unreachable for a DAG built by the pipeline API; guards hand-made step lists with cycles.
            failed.push({ step: run.steps.find((s) => waiting.get(s.name)! > 0)?.name ?? "?", error: new Error("the steps form a cycle") });
          }
          finish(failed.length > 0 ? "failed" : "completed");
        }
      };
      pump();
    });
  }

  private concurrency(run: OrchestratorRun): number {
    const requested = run.deployment.runtimeConfiguration.maxConcurrency ?? this.config.maxConcurrency;
    if (requested === undefined) return Math.max(4, os.availableParallelism());
    const value = Number(requested);
    if (!Number.isInteger(value) || value < 1) {
      throw new ValidationError(`maxConcurrency must be a positive integer, not '${String(requested)}'.`, {
        hint: "Pass e.g. maxConcurrency: 4 to run() or set it on the local orchestrator.",
      });
    }
    return value;
  }
}

function errorText(error: Error): string {
  return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
}
