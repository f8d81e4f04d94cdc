import { describe, expect, it } from "@jest/globals";
import { createProgressReporter, pipeline, step, type PipelineEvent } from "../src/index.ts";
import { collectEvents, tempStack } from "./pipeline-helpers.ts";

class FakeStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    readonly rows = 40,
  ) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

const one = step({ name: "one", run: async () => 1 });
const two = step({
  name: "two",
  run: async (x: number): Promise<number> => {
    if (x > 0) throw new Error("two broke");
    return x;
  },
});
const three = step({ name: "three", run: async (x: number) => x });
const flow = pipeline("progress", () => {
  three(two(one()));
});

async function recordEvents(): Promise<PipelineEvent[]> {
  const stack = tempStack();
  const events = collectEvents();
  await flow.run({ stack, onEvent: events.onEvent, runName: "progress-1" }).catch(() => {});
  await flow.run({ stack, onEvent: events.onEvent, runName: "progress-2" }).catch(() => {});
  return events.events;
}

const normalize = (text: string) => text.replace(/\d+ ms/g, "N ms");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` for up to 5 s: a loaded machine delays timers. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline && !done(); ) await sleep(10);
}

/** Replays the rest of the first run (to run-finished) and expects nothing written after it. */
async function expectQuietAfterRun(report: (event: PipelineEvent) => void, events: PipelineEvent[], stream: FakeStream): Promise<void> {
  for (const event of events.slice(2, 7)) report(event);
  const settled = stream.text.length;
  await sleep(80);
  expect(stream.text.length).toBe(settled);
}

describe("progress rendering", () => {
  it("prints plain lines when the output is not a terminal", async () => {
    const stream = new FakeStream(false);
    const report = createProgressReporter({ stream });
    for (const event of await recordEvents()) report(event);
    expect(normalize(stream.text).split("\n")).toEqual([
      "Running pipeline 'progress' on stack 'local' as run 'progress-1' (3 steps).",
      "Step 'one' started.",
      "Step 'one' finished in N ms (not cached: no earlier execution of this step).",
      "Step 'two' started.",
      "Step 'two' failed after N ms: two broke",
      "Step 'three' not started: upstream step 'two' failed.",
      "Run 'progress-1' failed in N ms.",
      "Running pipeline 'progress' on stack 'local' as run 'progress-2' (3 steps).",
      "Step 'one' cached (unchanged since run 'progress-1').",
      "Step 'two' started.",
      "Step 'two' failed after N ms: two broke",
      "Step 'three' not started: upstream step 'two' failed.",
      "Run 'progress-2' failed in N ms.",
      "",
    ]);
    expect(stream.text).not.toContain("\x1b[");
  });

  it("redraws a live view of the steps in place on a terminal", async () => {
    const stream = new FakeStream(true);
    const events = await recordEvents();
    const report = createProgressReporter({ stream, live: true, color: false });
    for (const event of events.slice(0, 7)) report(event);
    // Each redraw moves the cursor back over the 3 step lines and rewrites them.
    expect(stream.text.split("\x1b[3A").length - 1).toBe(6);
    const finalFrame = stream.text.slice(stream.text.lastIndexOf("\x1b[3A")).replace(/\x1b\[\d*[AK]/g, "");
    expect(normalize(finalFrame).split("\n")).toEqual([
      "  ✓ one    completed  N ms · no earlier execution of this step",
      "  ✗ two    failed     two broke",
      "  - three  skipped    upstream step 'two' failed",
      "Run 'progress-1' failed in N ms.",
      "",
    ]);
  });

  it("shows a failing hook as a warning line, in plain output and under the live view, which is drawn again below it", () => {
    const warning: PipelineEvent = { type: "hook-failed", runName: "r", step: "one", hook: "onSuccess", error: "dashboard unreachable" };
    const plain = new FakeStream(false);
    createProgressReporter({ stream: plain })(warning);
    expect(plain.text).toBe("Warning: the onSuccess hook of step 'one' failed: dashboard unreachable\n");

    const tty = new FakeStream(true);
    const report = createProgressReporter({ stream: tty, live: true, color: false });
    report({ type: "run-started", pipelineName: "p", runName: "r", runId: "id", stackName: "s", steps: [{ name: "one", upstream: [] }] });
    report({ type: "step-finished", runName: "r", step: "one", durationMs: 5 });
    report({ type: "hook-failed", runName: "r", hook: "onFailure", error: "no webhook" });
    const lines = tty.text.replace(/\x1b\[\d*[AK]/g, "").split("\n");
    const at = lines.indexOf("Warning: the onFailure hook of run 'r' failed: no webhook");
    expect(at).toBeGreaterThan(0);
    // The table is not redrawn over the warning: it follows it.
    expect(lines[at + 1]).toMatch(/✓ one\s+completed/);
    expect(tty.text.slice(tty.text.indexOf("Warning:")).split("\n")[1]).not.toMatch(/\x1b\[\d+A/);
  });

  it("ticks a running step's elapsed time in the live view, and stops when no step runs", async () => {
    const events = await recordEvents();
    const stream = new FakeStream(true);
    const report = createProgressReporter({ stream, live: true, color: false, tickMs: 20 });
    const frames = () => stream.text.split("\x1b[3A").length - 1;
    report(events[0]!); // run-started
    report(events[1]!); // step 'one' started
    const afterStart = frames();
    const lastFrame = () => stream.text.slice(stream.text.lastIndexOf("\x1b[3A")).replace(/\x1b\[\d*[AK]/g, "");
    const shownMs = () => {
      const [, value, unit] = /▸ one +running +([\d.]+) (ms|s)\b/.exec(lastFrame()) ?? [];
      return value === undefined ? -1 : Number(value) * (unit === "s" ? 1000 : 1);
    };
    await waitUntil(() => frames() > afterStart + 2 && shownMs() >= 100);
    expect(frames()).toBeGreaterThan(afterStart + 2);
    expect(shownMs()).toBeGreaterThanOrEqual(100);
    await expectQuietAfterRun(report, events, stream);
  });

  it("says which steps are still running, at intervals, in plain output, and goes quiet when none runs", async () => {
    const events = await recordEvents();
    const stream = new FakeStream(false);
    const report = createProgressReporter({ stream, live: false, heartbeatMs: 20 });
    report(events[0]!); // run-started
    report(events[1]!); // step 'one' started
    const beats = () => stream.text.split("\n").filter((line) => line.startsWith("Still running:"));
    await waitUntil(() => beats().length >= 2);
    expect(beats().length).toBeGreaterThanOrEqual(2);
    expect(beats()[0]).toMatch(/^Still running: one \([\d.]+ m?s\)\.$/);
    await expectQuietAfterRun(report, events, stream);
  });

  it("colours the live view unless NO_COLOR is set, and falls back to lines for very large pipelines", async () => {
    const events = await recordEvents();
    const colored = new FakeStream(true);
    const report = createProgressReporter({ stream: colored, live: true, color: true });
    for (const event of events.slice(0, 7)) report(event);
    expect(colored.text).toContain("\x1b[32m✓\x1b[0m");

    const previous = process.env.NO_COLOR;
    process.env.NO_COLOR = "1";
    try {
      const plain = new FakeStream(true);
      const noColor = createProgressReporter({ stream: plain, live: true });
      for (const event of events.slice(0, 7)) noColor(event);
      expect(plain.text).not.toContain("\x1b[32m");
    } finally {
      if (previous === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = previous;
    }

    const small = new FakeStream(true, 5);
    const tooTall = createProgressReporter({ stream: small, live: true, color: false });
    for (const event of events.slice(0, 7)) tooTall(event);
    expect(small.text).not.toContain("\x1b[");
    expect(small.text).toContain("Step 'two' failed after");

    // A terminal that does not report its size (0 rows, e.g. under `script`) still gets the live view.
    const unsized = new FakeStream(true, 0);
    const live = createProgressReporter({ stream: unsized, live: true, color: false });
    for (const event of events.slice(0, 7)) live(event);
    expect(unsized.text).toContain("\x1b[3A");
  });
});
