/**
 * Step logs on the local artifact store: what each step prints is kept with the step (attributed
 * to the right step when steps run concurrently), a failed step's log is kept with its error, a
 * cached or skipped step says why it has none, a huge log is capped, and steps run through the step
 * entrypoint (a remote orchestrator's process) are captured the same way.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { BaseOrchestrator, type OrchestratorRun } from "../src/components/orchestrator.ts";
import { BaseExperimentTracker } from "../src/components/optional-components.ts";
import { rememberSecretValues } from "../src/secrets/resolved-values.ts";
import { createLocalStack } from "../src/builtins/local-stack.ts";
import { LocalArtifactStore } from "../src/builtins/local-artifact-store.ts";
import { PipelineRepository, PipelineRunError, pipeline, step } from "../src/index.ts";
import { STEP_LOG_LIMIT, StepLogBuffer, stepLogsUri, withStepLogs } from "../src/pipeline/step-logs.ts";
import { CORE_DIR, FIXTURES, runScript, tempStack } from "./pipeline-helpers.ts";
import { printing } from "./fixtures/pipelines/printing-pipeline.ts";

const SCRIPT = path.join(FIXTURES, "printing-pipeline.ts");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("steps running concurrently", () => {
  it("each step's log holds exactly what it printed, in order, from both streams", async () => {
    const order: string[] = [];
    const ping = step({
      name: "ping",
      run: async () => {
        for (let i = 0; i < 4; i++) {
          process.stdout.write(`ping ${i}\n`);
          order.push("ping");
          await sleep(15);
        }
        return 1;
      },
    });
    const pong = step({
      name: "pong",
      run: async () => {
        await sleep(5);
        for (let i = 0; i < 4; i++) {
          process.stderr.write(Buffer.from(`pong ${i}\n`));
          order.push("pong");
          // A timer started by the step still counts as the step's.
          setTimeout(() => process.stdout.write(`pong timer ${i}\n`), 1);
          await sleep(15);
        }
        return 2;
      },
    });
    const stack = tempStack();
    const before = process.stdout.write;
    const run = await pipeline("pingpong", () => {
      ping();
      pong();
    }).run({ stack, onEvent: false, runName: "pingpong-1" });

    // They did interleave, and the streams are as they were.
    expect(order.join(" ")).toBe("ping pong ping pong ping pong ping pong");
    expect(process.stdout.write).toBe(before);
    expect(await run.getStep("ping").logs()).toBe("ping 0\nping 1\nping 2\nping 3\n");
    expect(await run.getStep("pong").logs()).toBe([0, 1, 2, 3].map((i) => `pong ${i}\npong timer ${i}\n`).join(""));
    // One object per step, next to its outputs in the artifact store.
    const step1 = run.getStep("ping");
    const uri = stepLogsUri(stack.artifactStore, "pingpong", "ping", step1.id);
    expect(uri).toBe(path.join(stack.artifactStore.path, "pingpong", "ping", "logs", `${step1.id}.txt`));
    expect(await stack.artifactStore.readText(uri)).toBe("ping 0\nping 1\nping 2\nping 3\n");
  });
});

describe("a step that fails", () => {
  it("keeps what it printed, then the error's stack; its skipped dependant says it has no logs", async () => {
    const explode = step({
      name: "explode",
      run: async () => {
        process.stdout.write("loading data\nlearning rate: 10\n");
        throw new RangeError("learning rate too high");
      },
    });
    const after = step({ name: "after", run: async (x: number) => x });
    const stack = tempStack();
    const error = await rejectionOf(pipeline("explosive", () => void after(explode())).run({ stack, onEvent: false, runName: "explosive-1" }));
    expect(error).toBeInstanceOf(PipelineRunError);
    const run = (error as PipelineRunError).run;
    const logs = await run.getStep("explode").logs();
    expect(logs.startsWith("loading data\nlearning rate: 10\n[zen: the step failed] RangeError: learning rate too high\n    at ")).toBe(true);

    const skipped = await rejectionOf(run.getStep("after").logs());
    expect(skipped).toMatchObject({
      code: "ZEN_NO_STEP_LOGS",
      message: "Step 'after' of run 'explosive-1' has no logs: it was not started (an upstream step failed).",
    });
  });
});

describe("steps without logs of their own", () => {
  it("a cached step has none and points to the run that executed it", async () => {
    const say = step({ name: "say", run: async () => (process.stdout.write("said it\n"), "ok") });
    const flow = pipeline("cache_logs", () => void say());
    const stack = tempStack();
    const first = await flow.run({ stack, onEvent: false, runName: "cache-logs-1" });
    const second = await flow.run({ stack, onEvent: false, runName: "cache-logs-2" });
    expect(await first.getStep("say").logs()).toBe("said it\n");
    const error = await rejectionOf(second.getStep("say").logs());
    expect(error).toMatchObject({
      code: "ZEN_NO_STEP_LOGS",
      message: "Step 'say' of run 'cache-logs-2' has no logs: it was cached (unchanged since run 'cache-logs-1'), not run.",
      hint: "See the run that executed it: `zen pipeline runs logs cache-logs-1 say`.",
    });
  });

  it("a step that printed nothing reads as an empty log, and costs no object in the store", async () => {
    const stack = tempStack();
    const run = await pipeline("quiet", () => void step({ name: "silent", run: async () => 1 })()).run({ stack, onEvent: false });
    expect(await run.getStep("silent").logs()).toBe("");
    const uri = stepLogsUri(stack.artifactStore, "quiet", "silent", run.getStep("silent").id);
    expect(await stack.artifactStore.exists(uri)).toBe(false);
  });

  it("logs read through another artifact store say which store the run used", async () => {
    const stack = tempStack();
    const run = await pipeline("elsewhere", () => void step({ name: "hello", run: async () => (process.stdout.write("hi\n"), 1) })()).run({
      stack,
      onEvent: false,
      runName: "elsewhere-1",
    });
    const root = makeTempDir("zen-other-");
    const other = new LocalArtifactStore({ id: "other", name: "other_store", flavor: "local", config: { path: root }, configDir: root });
    const repository = new PipelineRepository({ metadataStore: stack.metadataStore, artifactStore: other });
    const error = await rejectionOf((await repository.getRun(run.name)).getStep("hello").logs());
    expect(error).toMatchObject({
      code: "ZEN_NO_STEP_LOGS",
      message: "Step 'hello' of run 'elsewhere-1' has no logs: none were found in artifact store 'other_store'.",
    });
    expect((error as { hint: string }).hint).toContain(`The run used artifact store '${stack.artifactStore.name}'`);
  });
});

describe("secret values", () => {
  it("the stack's components were given are masked in the saved log, also in the error", async () => {
    const secret = "hunter2-0b7c9e";
    const root = makeTempDir("zen-secret-log-");
    // As stack loading does for a component whose secret references it resolved.
    const tracker = new (class extends BaseExperimentTracker {})({ id: "t", name: "tracker", flavor: "test", config: { password: secret }, configDir: root });
    rememberSecretValues(tracker, [secret]);
    const stack = createLocalStack({ root, components: { experiment_tracker: tracker } });
    const leak = step({
      name: "leak",
      run: async (): Promise<number> => {
        process.stdout.write(`connecting with ${secret} (url: https://u:${encodeURIComponent(secret)}@host)\n`);
        throw new Error(`login failed for ${secret}`);
      },
    });
    const error = await rejectionOf(pipeline("leaky", () => void leak()).run({ stack, onEvent: false }));
    const logs = await (error as PipelineRunError).run.getStep("leak").logs();
    expect(logs.startsWith("connecting with **** (url: https://u:****@host)\n[zen: the step failed] Error: login failed for ****\n")).toBe(true);
    expect(logs).not.toContain(secret);
  });
});

describe("the size cap", () => {
  it("keeps the first bytes up to the limit (whole characters) and says how much was dropped", () => {
    const buffer = new StepLogBuffer(10);
    buffer.append("12345678");
    buffer.append("é€x");
    buffer.append("more");
    expect(buffer.text()).toBe("12345678é\n[zen: log truncated at 10 bytes; 8 more bytes were not kept]\n");
    buffer.note("[zen: the step failed] Error: boom\n");
    expect(buffer.text()).toBe("12345678é\n[zen: log truncated at 10 bytes; 8 more bytes were not kept]\n[zen: the step failed] Error: boom\n");
  });

  it("a step printing 11 MiB keeps 10 MiB and a marker; the terminal still gets everything", async () => {
    const root = makeTempDir("zen-big-log-");
    const result = await runScript(SCRIPT, ["big", root, "chatty-1"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(11 * 1024 * 1024 + "FINISHED restored=true\n".length);
    expect(result.stdout.endsWith("FINISHED restored=true\n")).toBe(true);
    const stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
    const logs = await (await PipelineRepository.forStack(stack).getRun("chatty-1")).getStep("flood").logs();
    const kept = `${"x".repeat(1023)}\n`.repeat(10 * 1024);
    expect(logs).toBe(`${kept}[zen: log truncated at 10 MiB; 1048576 more bytes were not kept]\n`);
    expect(STEP_LOG_LIMIT).toBe(10 * 1024 * 1024);
    await stack.metadataStore.close();
  });
});

describe("saving", () => {
  it("a running step's log is saved while it runs, and a failure to save is reported, not thrown", async () => {
    const store = tempStack().artifactStore;
    const uri = store.join(store.path, "live", "logs.txt");
    const seen: string[] = [];
    await withStepLogs({ store, uri, onSaveError: () => {} }, async () => {
      process.stdout.write("first line\n");
      await sleep(3500);
      seen.push(await store.readText(uri));
    });
    expect(seen).toEqual(["first line\n"]);

    const errors: Error[] = [];
    const blocked = store.join(store.path, "live", "logs.txt", "cannot-be-under-a-file.txt");
    const value = await withStepLogs({ store, uri: blocked, onSaveError: (e) => errors.push(e) }, async () => {
      process.stdout.write("a line that cannot be saved\n");
      return 42;
    });
    expect(value).toBe(42);
    expect(errors).toHaveLength(1);
  });
});

describe("console output of a real process", () => {
  it("is captured per step and still reaches the terminal", async () => {
    const root = makeTempDir("zen-console-log-");
    const result = await runScript(SCRIPT, ["run", root, "printing-1"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("hello from greet\n{ level: 'info', step: 'greet' }\nshouting HI\nFINISHED restored=true\n");
    expect(result.stderr).toBe("a warning from greet\n");
    const stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
    const run = await PipelineRepository.forStack(stack).getRun("printing-1");
    expect(await run.getStep("greet").logs()).toBe("hello from greet\na warning from greet\n{ level: 'info', step: 'greet' }\n");
    expect(await run.getStep("shout").logs()).toBe("shouting HI\n");
    await stack.metadataStore.close();
  });
});

/** Runs each step in its own process through the step entrypoint, as a remote orchestrator's containers do. */
class ProcessOrchestrator extends BaseOrchestrator<{ root: string }> {
  readonly stdout: string[] = [];

  async runPipeline(run: OrchestratorRun): Promise<void> {
    for (const node of run.steps) {
      const stdout = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "--conditions=zen-source", SCRIPT, "step", this.config.root, run.runId, node.name], {
          cwd: CORE_DIR,
          env: { ...process.env, NODE_OPTIONS: "" },
          stdio: ["ignore", "pipe", "ignore"],
        });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("error", reject);
        child.on("close", () => resolve(out));
      });
      this.stdout.push(stdout);
      await run.poll();
    }
  }
}

describe("steps run by a remote orchestrator (the step entrypoint)", () => {
  it("have their output captured in the step's own process", async () => {
    const root = makeTempDir("zen-remote-log-");
    const local = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
    const orchestrator = new ProcessOrchestrator({ id: "process", name: "process", flavor: "process", config: { root }, configDir: root });
    const stack = { ...local, orchestrator, components: { ...local.components, orchestrator } };
    const run = await printing.run({ stack, onEvent: false, runName: "printing-remote" });
    expect(orchestrator.stdout).toEqual(["hello from greet\n{ level: 'info', step: 'greet' }\nOUTCOME completed\n", "shouting HI\nOUTCOME completed\n"]);
    expect(await run.getStep("greet").logs()).toBe("hello from greet\na warning from greet\n{ level: 'info', step: 'greet' }\n");
    expect(await run.getStep("shout").logs()).toBe("shouting HI\n");
  });
});
