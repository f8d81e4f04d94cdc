/** Shared helpers of the pipeline tests: real local stacks in temp dirs, event collection, child processes. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@zen/test-utils";
import { createLocalStack, type LoadedStack, type PipelineEvent, type LocalStackOptions } from "../src/index.ts";

export const CORE_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/pipelines/", import.meta.url));

export function tempStack(options: Partial<LocalStackOptions> = {}): LoadedStack & { root: string } {
  const root = options.root ?? makeTempDir("zen-pipeline-");
  return Object.assign(createLocalStack({ root, ...options }), { root });
}

export function collectEvents(): { events: PipelineEvent[]; onEvent: (event: PipelineEvent) => void; of: (type: PipelineEvent["type"]) => string[] } {
  const events: PipelineEvent[] = [];
  return {
    events,
    onEvent: (event) => void events.push(event),
    of: (type) => events.filter((e) => e.type === type).map((e) => ("step" in e && e.step !== undefined ? e.step : e.runName)),
  };
}

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file in a child Node process (through tsx, workspace packages from source). */
export function runScript(
  file: string,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string; onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=zen-source", file, ...args], {
      cwd: options.cwd ?? CORE_DIR,
      env: { ...process.env, NODE_OPTIONS: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
