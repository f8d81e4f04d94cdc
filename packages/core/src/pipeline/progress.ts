/**
 * Renders run progress: a live view of the steps on a TTY (redrawn in place on every event, and every
 * second while a step runs, so its elapsed time ticks), plain lines otherwise (CI logs, with a "still
 * running" line every minute of a long step, so a log never goes quiet). `NO_COLOR` is honoured.
 */
import type { PipelineEvent, PipelineEventListener } from "../components/run-events.ts";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  rows?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Default: when the stream is a TTY and `CI` is not set. */
  live?: boolean;
  /** Default: unless `NO_COLOR` is set; only used in the live view. */
  color?: boolean;
  /** How often the live view redraws while a step runs (default 1000 ms). */
  tickMs?: number;
  /** How often plain output says which steps are still running (default 60 s). */
  heartbeatMs?: number;
}

type Status = "pending" | "running" | "completed" | "cached" | "failed" | "skipped" | "cancelled";

const SYMBOL: Record<Status, string> = {
  pending: "·",
  running: "▸",
  completed: "✓",
  cached: "↺",
  failed: "✗",
  skipped: "-",
  cancelled: "⊘",
};
const COLOR: Record<Status, number> = { pending: 2, running: 36, completed: 32, cached: 34, failed: 31, skipped: 33, cancelled: 33 };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One line per event, for logs. */
export function formatEvent(event: PipelineEvent): string {
  switch (event.type) {
    case "run-started":
      return (
        `Running pipeline '${event.pipelineName}' on stack '${event.stackName}' as run '${event.runName}' ` +
        `(${event.steps.length} step${event.steps.length === 1 ? "" : "s"}).`
      );
    case "step-started":
      return `Step '${event.step}' started.`;
    case "step-finished":
      return `Step '${event.step}' finished in ${formatDuration(event.durationMs)}${event.cacheReason ? ` (not cached: ${event.cacheReason})` : ""}.`;
    case "step-cached":
      return `Step '${event.step}' cached (${event.reason}).`;
    case "step-failed":
      return `Step '${event.step}' failed after ${formatDuration(event.durationMs)}: ${event.error}`;
    case "step-skipped":
      return `Step '${event.step}' not started: ${event.reason}.`;
    case "hook-failed":
      return `Warning: the ${event.hook} hook of ${event.step ? `step '${event.step}'` : `run '${event.runName}'`} failed: ${event.error}`;
    case "run-finished":
      return `Run '${event.runName}' ${event.status} in ${formatDuration(event.durationMs)}.`;
  }
}

/** The steps running now and since when; calls `tick` every `everyMs` while there is one (timer unref'd). */
class RunningSteps {
  readonly since = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly everyMs: number,
    private readonly tick: () => void,
  ) {}

  update(event: PipelineEvent): void {
    if (event.type === "step-started") this.since.set(event.step, Date.now());
    else if (event.type === "run-finished") this.since.clear();
    else if (event.type !== "hook-failed" && "step" in event) this.since.delete(event.step);
    if (this.since.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (!this.timer) {
      this.timer = setInterval(this.tick, this.everyMs);
      this.timer.unref?.();
    }
  }

  elapsed(step: string): string {
    return formatDuration(Date.now() - (this.since.get(step) ?? Date.now()));
  }
}

export function createProgressReporter(options: ProgressOptions = {}): PipelineEventListener {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? (Boolean(stream.isTTY) && !process.env.CI);
  const lines = () => createLines(stream, options.heartbeatMs ?? 60_000);
  if (!live) return lines();
  return createLiveView(stream, options.color ?? !process.env.NO_COLOR, options.tickMs ?? 1000, lines);
}

function createLines(stream: ProgressStream, heartbeatMs: number): PipelineEventListener {
  const running: RunningSteps = new RunningSteps(heartbeatMs, () => {
    const steps = [...running.since.keys()].map((step) => `${step} (${running.elapsed(step)})`);
    stream.write(`Still running: ${steps.join(", ")}.\n`);
  });
  return (event) => {
    running.update(event);
    stream.write(`${formatEvent(event)}\n`);
  };
}

function createLiveView(stream: ProgressStream, color: boolean, tickMs: number, lines: () => PipelineEventListener): PipelineEventListener {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  let steps: string[] = [];
  const status = new Map<string, Status>();
  const detail = new Map<string, string>();
  let drawn = 0;
  let fallback: PipelineEventListener | undefined;

  const draw = () => {
    const width = Math.max(...steps.map((s) => s.length), 4);
    const lines = steps.map((name) => {
      const s = status.get(name) ?? "pending";
      const extra = s === "running" ? running.elapsed(name) : detail.get(name);
      return `  ${paint(COLOR[s], SYMBOL[s])} ${name.padEnd(width)}  ${paint(COLOR[s], s.padEnd(9))}${extra ? `  ${paint(2, extra)}` : ""}`.trimEnd();
    });
    const clear = drawn > 0 ? `\x1b[${drawn}A` : "";
    stream.write(clear + lines.map((l) => `\x1b[2K${l}\n`).join(""));
    drawn = lines.length;
  };
  const running = new RunningSteps(tickMs, draw);

  return (event) => {
    if (event.type === "run-started") {
      steps = event.steps.map((s) => s.name);
      // Too many steps to redraw in place: fall back to lines. (A terminal of unknown size reports 0 rows.)
      if (steps.length > Math.max((stream.rows || 24) - 4, 1)) fallback = lines();
    }
    if (fallback) return fallback(event);
    running.update(event);
    if (event.type === "run-started") {
      stream.write(`${formatEvent(event)}\n`);
      draw();
      return;
    }
    if (event.type === "hook-failed") {
      // A warning line under the table; the table is drawn again below it.
      stream.write(`${formatEvent(event)}\n`);
      drawn = 0;
      draw();
      return;
    }
    if (event.type === "run-finished") {
      for (const name of steps) {
        const s = status.get(name) ?? "pending";
        if (event.status === "cancelled" && (s === "pending" || s === "running")) status.set(name, "cancelled");
      }
      draw();
      stream.write(`${formatEvent(event)}\n`);
      return;
    }
    switch (event.type) {
      case "step-started":
        status.set(event.step, "running");
        break;
      case "step-finished":
        status.set(event.step, "completed");
        detail.set(event.step, `${formatDuration(event.durationMs)}${event.cacheReason ? ` · ${event.cacheReason}` : ""}`);
        break;
      case "step-cached":
        status.set(event.step, "cached");
        detail.set(event.step, event.reason);
        break;
      case "step-failed":
        status.set(event.step, "failed");
        detail.set(event.step, event.error);
        break;
      case "step-skipped":
        status.set(event.step, "skipped");
        detail.set(event.step, event.reason);
        break;
    }
    draw();
  };
}
