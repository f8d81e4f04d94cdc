/**
 * The `local` orchestrator: runs the DAG in this process. A step starts once all its upstream steps
 * have ended; independent steps run concurrently (at most `maxConcurrency` at a time). What a step's
 * outcome means (events, records, skipping the dependants of a failed step) is the core's business:
 * this module only decides when each step runs.
 */
import os from "node:os";
import { BaseOrchestrator, type OrchestratorRun, type StepNode } from "../components/orchestrator.ts";
import { ValidationError } from "../errors.ts";

export interface LocalOrchestratorConfig extends Record<string, unknown> {
  /** Steps running at the same time; default max(4, CPUs). A runtime option `maxConcurrency` overrides it. */
  maxConcurrency?: number;
}

export class LocalOrchestrator extends BaseOrchestrator<LocalOrchestratorConfig> {
  async runPipeline(run: OrchestratorRun): Promise<void> {
    const limit = this.concurrency(run);
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
    let running = 0;

    return new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        run.signal.removeEventListener("abort", finish);
        resolve();
      };
      // Cancellation does not wait for running steps: their in-process work cannot be interrupted,
      // and the core settles the run's metadata right away.
      run.signal.addEventListener("abort", finish, { once: true });

      const pump = () => {
        if (done) return;
        if (run.signal.aborted) return finish();
        while (running < limit && readyIndex < ready.length) {
          const node = ready[readyIndex++]!;
          running++;
          void run.runStep(node.name).then((outcome) => {
            running--;
            if (outcome.status === "cancelled") return finish();
            for (const next of dependants.get(node.name) ?? []) {
              const left = waiting.get(next.name)! - 1;
              waiting.set(next.name, left);
              if (left === 0) ready.push(next);
            }
            pump();
          });
        }
        // Steps left waiting here would mean a cycle; the core reports them as never run.
        if (running === 0 && readyIndex >= ready.length) finish();
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
