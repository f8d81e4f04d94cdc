/**
 * The conformance suite for alerters: plain and structured posts reach the channel, invalid alerts are
 * refused before anything is sent, and a pipeline reaches the alerter as `ctx.stack.alerter`, from a
 * step and from the pipeline's success and failure hooks.
 *
 *   describeAlerterConformance("webhook", async () => {
 *     const server = await startReceiver();   // what the channel got, e.g. request bodies
 *     return { alerter: new WebhookAlerter({ … url: server.url }), received: () => server.bodies(), cleanup: () => server.close() };
 *   });
 *
 * `received` returns what the channel received, one text per alert (a request body, a line of a file):
 * the suite only checks that each alert's text, title and field values appear in one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { BaseAlerter } from "../components/optional-components.ts";
import { pipeline } from "../pipeline/pipeline.ts";
import { step } from "../pipeline/step.ts";
import { conformanceStack, type ConformanceStack } from "./conformance-stack.ts";
import { expectRejection, uniqueSuffix } from "./expect-error.ts";

export interface AlerterFixture {
  alerter: BaseAlerter;
  /** What the channel received so far, one text per delivered alert. */
  received: () => Promise<string[]>;
  cleanup?: () => Promise<void>;
}

export interface AlerterConformanceOptions {
  /** Per-test timeout (default 30 s). */
  timeoutMs?: number;
}

/** Registers the conformance tests for the alerter `makeAlerter` returns (called once, in `beforeAll`). */
export function describeAlerterConformance(name: string, makeAlerter: () => Promise<AlerterFixture>, options: AlerterConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;

  describe(`alerter conformance: ${name}`, () => {
    let fixture: AlerterFixture;
    const stacks: ConformanceStack[] = [];
    const suffix = uniqueSuffix();
    const receivedWith = async (...parts: string[]) => (await fixture.received()).filter((text) => parts.every((p) => text.includes(p)));

    beforeAll(async () => {
      fixture = await makeAlerter();
    }, timeout);

    afterAll(async () => {
      try {
        for (const s of stacks.splice(0)) await s.dispose();
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout);

    it(
      "posts a plain message",
      async () => {
        const text = `plain message ${suffix}`;
        expect(await fixture.alerter.post(text)).toBe(true);
        expect(await receivedWith(text)).toHaveLength(1);
      },
      timeout,
    );

    it(
      "posts a structured alert with its title and fields",
      async () => {
        const text = `structured alert ${suffix}`;
        const delivered = await fixture.alerter.post({
          text,
          title: `Training finished ${suffix}`,
          severity: "success",
          fields: { run: `run-${suffix}`, accuracy: 0.93 },
          url: "https://dashboard.example.com/runs/1",
        });
        expect(delivered).toBe(true);
        expect(await receivedWith(text, `Training finished ${suffix}`, `run-${suffix}`, "0.93")).toHaveLength(1);
      },
      timeout,
    );

    it(
      "refuses an empty or malformed alert before sending anything",
      async () => {
        const before = (await fixture.received()).length;
        await expectRejection(fixture.alerter.post(""), "ZEN_INVALID");
        await expectRejection(fixture.alerter.post({ text: "x", severity: "loud" as "info" }), "ZEN_INVALID", { mentions: "severity" });
        await expectRejection(fixture.alerter.post({ text: "x", fields: { nested: {} as string } }), "ZEN_INVALID", { mentions: "nested" });
        expect((await fixture.received()).length).toBe(before);
      },
      timeout,
    );

    it(
      "is reached from a step and from the pipeline's success and failure hooks as ctx.stack.alerter",
      async () => {
        const made = conformanceStack({ name: "conformance", components: { alerter: fixture.alerter } });
        stacks.push(made);
        const notify = step({
          name: "notify",
          enableCache: false,
          run: async (_: void, _params, ctx) => {
            if (!ctx.stack.alerter) throw new Error("the stack has no alerter");
            return ctx.stack.alerter.post(`from step ${ctx.runName}`);
          },
        });
        const fail = step({
          name: "fail",
          enableCache: false,
          run: async (): Promise<void> => {
            throw new Error(`planned failure ${suffix}`);
          },
        });
        const ok = pipeline(
          "alerter_conformance_ok",
          {
            onSuccess: async (ctx) => {
              await ctx.stack.alerter?.post({ text: `run ${ctx.runName} ${ctx.status}`, severity: "success", fields: { steps: ctx.run.steps.length } });
            },
          },
          () => {
            notify();
          },
        );
        const failing = pipeline(
          "alerter_conformance_failing",
          {
            onFailure: async (ctx) => {
              await ctx.stack.alerter?.post({ text: `run ${ctx.runName} ${ctx.status}: ${ctx.error.message}`, severity: "error" });
            },
          },
          () => {
            fail();
          },
        );
        const base = { stack: made.stack, onEvent: false as const, handleSignals: false };
        await ok.run({ ...base, runName: `alerts-ok-${suffix}` });
        await expectRejection(failing.run({ ...base, runName: `alerts-failing-${suffix}` }), "ZEN_RUN_FAILED");

        expect(await receivedWith(`from step alerts-ok-${suffix}`)).toHaveLength(1);
        expect(await receivedWith(`run alerts-ok-${suffix} completed`, "1")).toHaveLength(1);
        expect(await receivedWith(`run alerts-failing-${suffix} failed: planned failure ${suffix}`)).toHaveLength(1);
      },
      timeout,
    );
  });
}
