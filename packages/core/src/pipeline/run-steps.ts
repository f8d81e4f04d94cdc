/**
 * The core's side of the orchestrator contract for one run: `runStep` (a step in this process),
 * `poll` (steps run elsewhere, read back from the metadata store) and, once the orchestrator is
 * done, the run's result. Whatever ran a step, its outcome is reported once, here or by the step runner.
 */
import type { OrchestratorRun, StepOutcome } from "../components/orchestrator.ts";
import type { PipelineDeployment } from "../stack-component.ts";
import type { StepRecord, StepStatus } from "../components/run-records.ts";
import { executeStep, outcomeEvent, type RunState } from "./step-runner.ts";

export interface RunStepsResult {
  failed: { step: string; error: Error }[];
  /** Steps not started because an upstream step failed. */
  skipped: string[];
  /** Steps the orchestrator never ran although nothing failed and the run was not cancelled. */
  neverRun: string[];
}

const DONE: ReadonlySet<StepStatus> = new Set(["completed", "cached"]);
const ENDED: ReadonlySet<StepStatus> = new Set(["completed", "cached", "failed", "skipped", "cancelled"]);

export class RunSteps {
  private readonly outcomes = new Map<string, StepOutcome>();
  private readonly started = new Map<string, Promise<StepOutcome>>();
  /** Why a step was skipped: the failed step at the root. */
  private readonly blockedBy = new Map<string, string>();
  /** Statuses last read from the metadata store (steps run elsewhere). */
  private readonly seen = new Map<string, StepStatus>();
  /** Steps run elsewhere whose start was reported. */
  private readonly announced = new Set<string>();
  private readonly upstream: ReadonlyMap<string, readonly string[]>;

  constructor(
    private readonly state: RunState,
    private readonly signal: AbortSignal,
  ) {
    this.upstream = new Map(state.plan.steps.map((s) => [s.name, s.upstream]));
  }

  /** What the orchestrator receives. */
  orchestratorRun(deployment: PipelineDeployment): OrchestratorRun {
    return {
      deployment,
      runId: this.state.runId,
      steps: this.state.plan.steps.map((s) => ({ name: s.name, upstream: s.upstream })),
      components: this.state.stack.components,
      signal: this.signal,
      runStep: (name) => this.runStep(name),
      poll: () => this.poll(),
    };
  }

  runStep(name: string): Promise<StepOutcome> {
    let pending = this.started.get(name);
    if (!pending) {
      pending = this.start(name);
      this.started.set(name, pending);
    }
    return pending;
  }

  private async start(name: string): Promise<StepOutcome> {
    const upstream = this.upstream.get(name);
    if (!upstream) {
      return this.settle({ step: name, status: "failed", durationMs: 0, error: new Error(`Step '${name}' is not part of run '${this.state.runName}'.`) });
    }
    if (this.signal.aborted) return { step: name, status: "cancelled", durationMs: 0 };
    const statusOf = (up: string) => this.outcomes.get(up)?.status ?? this.seen.get(up);
    // An upstream step this process did not run may have run elsewhere: read it back first.
    if (upstream.some((up) => !ENDED.has(statusOf(up) ?? "pending"))) await this.poll();
    const early = upstream.find((up) => !ENDED.has(statusOf(up) ?? "pending"));
    if (early !== undefined) {
      // A broken orchestrator: record the step as failed (through the one step-recording path), unrun.
      const refused = new Error(`the orchestrator started it before its upstream step '${early}' ended`);
      return this.settle(await executeStep(this.state, name, this.signal, refused));
    }
    const blocker = upstream.find((up) => !DONE.has(statusOf(up)!));
    if (blocker !== undefined) {
      const cause = this.blockedBy.get(blocker) ?? blocker;
      this.blockedBy.set(name, cause);
      this.state.emit({ type: "step-skipped", runName: this.state.runName, step: name, reason: `upstream step '${cause}' failed` });
      return this.settle({ step: name, status: "skipped", durationMs: 0 });
    }
    let outcome: StepOutcome;
    try {
      outcome = await executeStep(this.state, name, this.signal);
    } catch (thrown) {
      // Only a defect of the step runner gets here; report it like a step failure.
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      outcome = { step: name, status: "failed", durationMs: 0, error };
      this.state.emit(outcomeEvent(this.state.runName, outcome));
    }
    return this.settle(outcome);
  }

  private settle(outcome: StepOutcome): StepOutcome {
    if (outcome.status !== "cancelled") this.outcomes.set(outcome.step, outcome);
    return outcome;
  }

  /** Reads the steps run elsewhere back from the metadata store and reports what changed. */
  async poll(): Promise<Record<string, StepStatus>> {
    const records = await this.state.stack.metadataStore.listSteps([this.state.runId]);
    const statuses: Record<string, StepStatus> = {};
    for (const record of records) {
      const own = this.outcomes.get(record.name);
      if (own || this.started.has(record.name)) {
        statuses[record.name] = own?.status ?? record.status;
        continue;
      }
      statuses[record.name] = record.status;
      if (this.seen.get(record.name) === record.status) continue;
      this.seen.set(record.name, record.status);
      this.report(record);
    }
    return statuses;
  }

  private report(record: StepRecord): void {
    const { runName } = this.state;
    if (record.status === "running") {
      this.announced.add(record.name);
      this.state.emit({ type: "step-started", runName, step: record.name });
      return;
    }
    if (record.status !== "completed" && record.status !== "cached" && record.status !== "failed") return;
    // A step that ran between two polls still gets its start reported, as in a local run.
    if (record.status !== "cached" && !this.announced.has(record.name)) {
      this.state.emit({ type: "step-started", runName, step: record.name });
    }
    const outcome: StepOutcome = {
      step: record.name,
      status: record.status,
      durationMs: record.durationMs ?? 0,
      cacheReason: record.cacheReason,
      error: record.status === "failed" ? new Error(record.error ?? "unknown error") : undefined,
    };
    this.outcomes.set(record.name, outcome);
    this.state.emit(outcomeEvent(runName, outcome));
  }

  /** After the orchestrator returned: reads what ran elsewhere, then names the failed and the skipped steps. */
  async result(cancelled: boolean): Promise<RunStepsResult> {
    if (this.state.plan.steps.some((s) => !this.outcomes.has(s.name))) await this.poll();
    const failed: RunStepsResult["failed"] = [];
    const skipped: string[] = [];
    const unfinished: string[] = [];
    for (const { name } of this.state.plan.steps) {
      const outcome = this.outcomes.get(name);
      if (outcome?.status === "failed") failed.push({ step: name, error: outcome.error ?? new Error("unknown error") });
      else if (outcome?.status === "skipped") skipped.push(name);
      else if (!outcome) unfinished.push(name);
    }
    if (cancelled || unfinished.length === 0) return { failed, skipped, neverRun: [] };
    if (failed.length === 0) return { failed, skipped, neverRun: unfinished };
    // A remote orchestrator does not start the dependants of a failed step: report them as skipped.
    const cause = failed[0]!.step;
    for (const name of unfinished) {
      skipped.push(name);
      this.state.emit({ type: "step-skipped", runName: this.state.runName, step: name, reason: `upstream step '${cause}' failed` });
    }
    return { failed, skipped, neverRun: [] };
  }
}
