/**
 * Renders run progress: a live view of the steps on a TTY (redrawn in place on every event, and every
 * second while a step runs, so its elapsed time ticks), plain lines otherwise (CI logs). `NO_COLOR` is
 * honoured.
 */
import type { PipelineEvent, PipelineEventListener } from "./events.ts";

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
      return `Running pipeline '${event.pipelineName}' on stack '${event.stackName}' as run '${event.runName}' (${event.steps.length} step${event.steps.length === 1 ? "" : "s"}).`;
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
    case "run-finished":
      return `Run '${event.runName}' ${event.status} in ${formatDuration(event.durationMs)}.`;
  }
}

export function createProgressReporter(options: ProgressOptions = {}): PipelineEventListener {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? (Boolean(stream.isTTY) && !process.env.CI);
  if (!live) return (event) => void stream.write(formatEvent(event) + "\n");
  return createLiveView(stream, options.color ?? !process.env.NO_COLOR, options.tickMs ?? 1000);
}

function createLiveView(stream: ProgressStream, color: boolean, tickMs: number): PipelineEventListener {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  let steps: string[] = [];
  const status = new Map<string, Status>();
  const detail = new Map<string, string>();
  const startedAt = new Map<string, number>();
  let drawn = 0;
  let plain = false;
  // Redraws while steps run; unref'd, so it never keeps the process alive.
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stopTicking = () => {
    clearInterval(ticker);
    ticker = undefined;
  };

  const draw = () => {
    const width = Math.max(...steps.map((s) => s.length), 4);
    const lines = steps.map((name) => {
      const s = status.get(name) ?? "pending";
      const extra = s === "running" ? formatDuration(Date.now() - startedAt.get(name)!) : detail.get(name);
      return `  ${paint(COLOR[s], SYMBOL[s])} ${name.padEnd(width)}  ${paint(COLOR[s], s.padEnd(9))}${extra ? `  ${paint(2, extra)}` : ""}`.trimEnd();
    });
    const clear = drawn > 0 ? `\x1b[${drawn}A` : "";
    stream.write(clear + lines.map((l) => `\x1b[2K${l}\n`).join(""));
    drawn = lines.length;
  };

  return (event) => {
    if (event.type === "run-started") {
      stream.write(formatEvent(event) + "\n");
      steps = event.steps.map((s) => s.name);
      // Too many steps to redraw in place: fall back to lines.
      plain = steps.length > Math.max((stream.rows ?? 24) - 4, 1);
      if (!plain) draw();
      return;
    }
    if (plain || event.type === "run-finished") {
      if (event.type === "run-finished" && !plain) {
        stopTicking();
        for (const name of steps) {
          const s = status.get(name) ?? "pending";
          if (event.status === "cancelled" && (s === "pending" || s === "running")) status.set(name, "cancelled");
        }
        draw();
      }
      stream.write(formatEvent(event) + "\n");
      return;
    }
    switch (event.type) {
      case "step-started":
        status.set(event.step, "running");
        startedAt.set(event.step, Date.now());
        ticker ??= setInterval(draw, tickMs);
        ticker.unref?.();
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
    if (![...status.values()].includes("running")) stopTicking();
    draw();
  };
}
