/**
 * Step- and pipeline-level success/failure hooks on real runs, with a real alerter (JSON posts to a
 * local webhook): what each hook receives, when it is called, and that a failing hook is reported
 * without changing the outcome. Also: typed optional components on `ctx.stack`, and a step's own hint.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { rejectionOf as rejection } from "@zen/test-utils";
import type { ZenError } from "../src/errors.ts";
import { pipeline } from "../src/pipeline/pipeline.ts";
import { step, type StepContext } from "../src/pipeline/step.ts";
import type { PipelineRunError } from "../src/pipeline/run-pipeline.ts";
import { WebhookAlerter, startWebhookReceiver, type WebhookReceiver } from "./fixtures/alerters/webhook-alerter.ts";
import { makeTempDir } from "@zen/test-utils";
import type { PipelineEvent } from "../src/components/run-events.ts";
import { createLocalStack } from "../src/builtins/local-stack.ts";
import type { StackComponent } from "../src/stack-component.ts";

let receiver: WebhookReceiver;
beforeAll(async () => void (receiver = await startWebhookReceiver()));
afterAll(() => receiver.close());

function alertingStack(token?: string) {
  const alerter = new WebhookAlerter({
    id: "hook-alerter",
    name: "team",
    flavor: "webhook",
    config: { url: receiver.url, ...(token ? { token } : {}) },
    configDir: "/nonexistent",
  });
  return { stack: createLocalStack({ root: makeTempDir("zen-hooks-"), components: { alerter: alerter as StackComponent } }), alerter };
}

const posted = () => receiver.bodies.map((b) => JSON.parse(b) as { text: string; severity: string; fields: Record<string, string> });

describe("step hooks", () => {
  it("calls onSuccess after a step's outputs are recorded, onFailure with the error, and neither for a cached step", async () => {
    const { stack, alerter } = alertingStack();
    const seen: string[] = [];
    let successCtx: (StepContext & { status: string; durationMs: number }) | undefined;
    const produce = step({
      name: "produce",
      run: () => 21,
      onSuccess: async (ctx) => {
        successCtx = ctx;
        // The outcome is recorded before the hook runs.
        const steps = await ctx.stack.metadataStore.listSteps([ctx.runId]);
        seen.push(`success ${ctx.stepName} ${steps.find((s) => s.name === ctx.stepName)?.status}`);
        await ctx.stack.alerter?.post({ text: `step ${ctx.stepName} done`, severity: "success", fields: { run: ctx.runName } });
      },
    });
    const explode = step({
      name: "explode",
      enableCache: false,
      run: (x: number): number => {
        throw new RangeError(`too big: ${x}`);
      },
      onFailure: (ctx) => void seen.push(`failure ${ctx.stepName} ${ctx.status} ${ctx.error.name}: ${ctx.error.message}`),
    });
    const p = pipeline("hooked_steps", () => {
      explode(produce());
    });
    await rejection(p.run({ stack, runName: "hooks-1", onEvent: false, handleSignals: false }));
    expect(seen).toEqual(["success produce completed", "failure explode failed RangeError: too big: 21"]);
    expect(successCtx?.stack.alerter).toBe(alerter);
    expect(successCtx?.status).toBe("completed");
    expect(successCtx?.durationMs).toBeGreaterThanOrEqual(0);
    expect(posted()).toContainEqual(expect.objectContaining({ text: "step produce done", severity: "success", fields: { run: "hooks-1" } }));

    // produce comes from the cache: no hook.
    seen.length = 0;
    await rejection(p.run({ stack, runName: "hooks-2", onEvent: false, handleSignals: false }));
    expect(seen).toEqual(["failure explode failed RangeError: too big: 21"]);
  });

  it("reports a failing hook as a warning and keeps the step's outcome", async () => {
    const { stack } = alertingStack();
    const events = { events: [] as PipelineEvent[], onEvent: (e: PipelineEvent) => void events.events.push(e) };
    const fine = step({
      name: "fine",
      run: () => "ok",
      onSuccess: () => {
        throw new Error("hook exploded");
      },
    });
    const bad = step({
      name: "bad",
      run: (_: string): string => {
        throw new Error("the step's own failure");
      },
      onFailure: () => {
        throw new Error("failure hook exploded");
      },
    });
    const p1 = pipeline("failing_hooks_ok", () => {
      fine();
    });
    const view = await p1.run({ stack, runName: "hook-fail-1", onEvent: events.onEvent, handleSignals: false });
    expect(view.status).toBe("completed");
    expect(view.getStep("fine").status).toBe("completed");
    expect(events.events.filter((e) => e.type === "hook-failed")).toEqual([
      { type: "hook-failed", runName: "hook-fail-1", step: "fine", hook: "onSuccess", error: "hook exploded" },
    ]);

    const p2 = pipeline("failing_hooks_bad", () => {
      bad(fine());
    });
    const error = (await rejection(p2.run({ stack, runName: "hook-fail-2", onEvent: events.onEvent, handleSignals: false }))) as PipelineRunError;
    // The step's error, not the hook's, is the run's error.
    expect(error.message).toContain("failed at step 'bad': the step's own failure");
    expect(error.run.getStep("bad").status).toBe("failed");
    expect(events.events.filter((e) => e.type === "hook-failed").map((e) => e.type === "hook-failed" && `${e.step} ${e.hook} ${e.error}`)).toContain(
      "bad onFailure failure hook exploded",
    );
  });
});

describe("pipeline hooks", () => {
  it("calls onSuccess with the recorded run, and onFailure with the first failed step's error", async () => {
    const { stack } = alertingStack();
    const one = step({ name: "one", run: () => 1 });
    const broken = step({
      name: "broken",
      run: (_: number): number => {
        throw new Error("no luck");
      },
    });
    const ok = pipeline(
      "hooked_ok",
      {
        onSuccess: async (ctx) => {
          await ctx.stack.alerter?.post({ text: `run ${ctx.runName} ${ctx.status}`, fields: { steps: ctx.run.steps.length, status: ctx.run.status } });
        },
        onFailure: () => {
          throw new Error("not expected");
        },
      },
      () => {
        one();
      },
    );
    await ok.run({ stack, runName: "p-hooks-1", onEvent: false, handleSignals: false });
    expect(posted()).toContainEqual(expect.objectContaining({ text: "run p-hooks-1 completed", fields: { steps: "1", status: "completed" } }));

    const failures: string[] = [];
    const failing = pipeline(
      "hooked_failing",
      {
        onFailure: (ctx) => void failures.push(`${ctx.runName} ${ctx.status} ${ctx.error.message} ${JSON.stringify(ctx.failedSteps)} ${ctx.run.status}`),
      },
      () => {
        broken(one());
      },
    );
    await rejection(failing.run({ stack, runName: "p-hooks-2", onEvent: false, handleSignals: false }));
    expect(failures).toEqual([`p-hooks-2 failed no luck [{"step":"broken","error":"no luck"}] failed`]);
  });

  it("calls onFailure for a cancelled run", async () => {
    const { stack } = alertingStack();
    const controller = new AbortController();
    const statuses: string[] = [];
    const wait = step({
      name: "wait",
      enableCache: false,
      run: async (_: void, _p, ctx) => {
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 50));
        return ctx.runName;
      },
    });
    const p = pipeline("hooked_cancel", { onFailure: (ctx) => void statuses.push(`${ctx.status}: ${ctx.error.message}`) }, () => {
      wait();
    });
    await rejection(p.run({ stack, runName: "p-hooks-3", onEvent: false, handleSignals: false, signal: controller.signal }));
    expect(statuses).toEqual(["cancelled: cancelled: the run was aborted"]);
  });
});

describe("ctx.stack in steps", () => {
  it("has each optional component under its typed name, or undefined", async () => {
    const { stack, alerter } = alertingStack();
    const seen: unknown[] = [];
    const look = step({
      name: "look",
      enableCache: false,
      run: (_: void, _p, ctx) => {
        seen.push(ctx.stack.alerter, ctx.stack.experimentTracker, ctx.stack.stepOperator, ctx.stack.artifactStore, ctx.stack.components.alerter);
      },
    });
    await pipeline("typed_stack", () => {
      look();
    }).run({ stack, runName: "typed-1", onEvent: false, handleSignals: false });
    expect(seen).toEqual([alerter, undefined, undefined, stack.artifactStore, alerter]);
  });
});

describe("a zen error thrown inside a step", () => {
  it("reaches the caller with its own hint", async () => {
    const { stack } = alertingStack("wrong");
    const notify = step({
      name: "notify",
      enableCache: false,
      run: async (_: void, _p, ctx) => ctx.stack.alerter!.post("hello"),
    });
    const error = (await rejection(
      pipeline("hinted", () => {
        notify();
      }).run({ stack, runName: "hinted-1", onEvent: false, handleSignals: false }),
    )) as ZenError;
    expect(error.code).toBe("ZEN_RUN_FAILED");
    expect(error.message).toBe("Run 'hinted-1' of pipeline 'hinted' failed at step 'notify': The webhook of alerter 'team' refused the token (HTTP 401).");
    expect(error.hint).toBe(
      "Update the token: zen alerter update team --token={{webhook.token}}. What it printed: `zen pipeline runs logs hinted-1 notify`. " +
        "Inspect it with `zen pipeline runs describe hinted-1`.",
    );
    expect(error.hint).not.toContain("Fix the step");
  });
});
