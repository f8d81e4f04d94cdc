/**
 * Step logs on the dashboard: the API gives a step's log or why it has none, and the run page shows
 * it in a real browser (Debian's Chromium through playwright-core), following a running step's log.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { BrowserContext, Page } from "playwright-core";
import { pipeline, step } from "@zen/core";
import { requireChromium } from "../../../scripts/services/service-env.ts";
import { startDashboard, type DashboardServer } from "../src/index.ts";
import { launchPage } from "./browser-page.ts";
import { setUp, type Setup } from "./fixture.ts";

/** The page's DOM, as the functions run in the browser use it (this package's types have no DOM library). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"];

const greet = step({ name: "greet", run: async () => (process.stdout.write("hello from greet\n"), process.stderr.write("<b>not html</b>\n"), "hi") });
const fail = step({
  name: "fail",
  run: async (text: string): Promise<string> => {
    process.stdout.write(`about to fail on ${text}\n`);
    throw new Error("failed on purpose");
  },
});
const after = step({ name: "after", run: async (text: string) => text });
const talking = pipeline("talking", () => void after(fail(greet())));

let setup: Setup;
let dashboard: DashboardServer;
let runId: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

async function api(path: string): Promise<{ status: number; body: { logs?: string | null } }> {
  const response = await fetch(`http://127.0.0.1:${dashboard.port}/api/${path}`);
  return { status: response.status, body: (await response.json()) as { logs?: string | null } };
}

beforeAll(async () => {
  const executablePath = requireChromium();
  setup = await setUp();
  runId = await talking.run({ zen: setup.zenOptions, onEvent: false, runName: "talking-1" }).then(
    (run) => run.id,
    (error: { run: { id: string } }) => error.run.id,
  );
  dashboard = await startDashboard({ zen: setup.zen, port: 0, pollMs: 100 });
  ({ context, page } = await launchPage(executablePath, "zen-dashboard-logs-chromium-", FLAGS, problems));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  setup?.zen.close();
});

describe("step logs in the dashboard API", () => {
  it("gives a step's log, a failed step's log with its error, and why a skipped step has none", async () => {
    expect(await api(`runs/${runId}/steps/greet/logs`)).toEqual({
      status: 200,
      body: { step: "greet", status: "completed", logs: "hello from greet\n<b>not html</b>\n", omitted: 0 },
    });
    const failed = await api(`runs/talking-1/steps/fail/logs`);
    expect(failed.body.logs).toMatch(/^about to fail on hi\n\[zen: the step failed\] Error: failed on purpose\n/);
    expect(await api(`runs/${runId}/steps/after/logs`)).toEqual({
      status: 200,
      body: { step: "after", status: "skipped", logs: null, omitted: 0, reason: "it was not started (an upstream step failed)" },
    });
  });

  it("answers 404 for an unknown run or step", async () => {
    expect((await api(`runs/${runId}/steps/nope/logs`)).status).toBe(404);
    expect((await api("runs/nope/steps/greet/logs")).status).toBe(404);
  });
});

describe("step logs on the run page", () => {
  it("shows the selected step's log as text, and why a step has none", async () => {
    await page.goto(`${dashboard.url}#/runs/${runId}`);
    await page.waitForSelector(`main[data-ready="#/runs/${runId}"]`);
    await page.locator('svg.dag g.node[data-step="greet"]').click();
    const logs = page.locator('aside pre.logs[data-logs="greet"]');
    await page.waitForFunction(() => document.querySelector('pre.logs[data-logs="greet"]')?.textContent?.includes("hello from greet"));
    expect(await logs.textContent()).toBe("hello from greet\n<b>not html</b>\n");
    expect(await logs.locator("b").count()).toBe(0);

    await page.locator('svg.dag g.node[data-step="after"]').click();
    await page.waitForFunction(() => document.querySelector('pre.logs[data-logs="after"]')?.textContent?.startsWith("No logs"));
    expect(await page.locator('pre.logs[data-logs="after"]').textContent()).toBe("No logs: it was not started (an upstream step failed).");
  }, 60_000);

  it("follows a running step's log without a reload", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const waiting = step({
      name: "waiting",
      run: async () => {
        process.stdout.write("waiting for the gate\n");
        await gate;
        process.stdout.write("through the gate\n");
        return 1;
      },
    });
    const done = pipeline("gated_logs", () => void waiting()).run({ zen: setup.zenOptions, onEvent: false, runName: "gated-logs-1" });
    await page.goto(`${dashboard.url}#/runs/gated-logs-1`);
    await page.waitForSelector('svg.dag g.node.running[data-step="waiting"]', { timeout: 20_000 });
    await page.locator('svg.dag g.node[data-step="waiting"]').click();
    // Saved every few seconds while the step runs, re-read by the page while it runs.
    await page.waitForFunction(() => document.querySelector('pre.logs[data-logs="waiting"]')?.textContent === "waiting for the gate\n", undefined, {
      timeout: 15_000,
    });
    release();
    await done;
    await page.waitForFunction(
      () => document.querySelector('pre.logs[data-logs="waiting"]')?.textContent === "waiting for the gate\nthrough the gate\n",
      undefined,
      { timeout: 15_000 },
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
