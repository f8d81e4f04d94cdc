/**
 * The built `zen` as real processes, each home (config dir, project dir) of its own, every process
 * bounded by a timeout. `ZEN_RELIABILITY_ROOT` points the suite at another checkout's build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@zen/test-utils";

export const WORKSPACE_ROOT = resolve(process.env.ZEN_RELIABILITY_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), "../../../.."));
export const ZEN_BIN = join(WORKSPACE_ROOT, "packages/cli/bin/zen.cjs");
export const CORE_DIR = join(WORKSPACE_ROOT, "packages/core");

export interface ZenResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the process (ms). */
  ms: number;
  timedOut: boolean;
}

export interface Home {
  base: string;
  configDir: string;
  /** A working directory outside any repository. */
  cwd: string;
  env: Record<string, string>;
}

/** A fresh HOME with its own ZEN_CONFIG_PATH and working directory. */
export function makeHome(prefix = "zen-rel-"): Home {
  const base = makeTempDir(prefix);
  const configDir = join(base, "config");
  const cwd = join(base, "work");
  mkdirSync(cwd, { recursive: true });
  const env = { PATH: process.env.PATH ?? "", HOME: base, ZEN_CONFIG_PATH: configDir, NO_COLOR: "1", CI: "1" };
  return { base, configDir, cwd, env };
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  /** Killed (SIGKILL) after this many ms; the result then says `timedOut`. */
  timeoutMs?: number;
}

/** Starts `zen args` without waiting; stdout/stderr are collected into `output`. */
export function startZen(home: Home, args: readonly string[], options: RunOptions = {}): { child: ChildProcess; output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [ZEN_BIN, ...args], {
    cwd: options.cwd ?? home.cwd,
    env: { ...home.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.input ?? "");
  return { child, output };
}

/** Runs `zen args` to completion (or to its timeout). */
export function runZen(home: Home, args: readonly string[], options: RunOptions = {}): Promise<ZenResult> {
  const started = performance.now();
  const { child, output } = startZen(home, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 30_000);
  return new Promise((resolvePromise) => {
    // A spawn that cannot start (its cwd vanished) is a result too, not an unhandled error.
    child.on("error", (error) => {
      output.stderr += `(spawn failed: ${error.message})`;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ status: code ?? (signal ? 128 : -1), ...output, ms: performance.now() - started, timedOut });
    });
  });
}

/** Runs `tasks` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What a crash or an internal error looks like on stderr (never acceptable). */
export const BUG_PATTERN = /looks like a bug in zen|^\s+at \S.*:\d+:\d+\)?$|TypeError|ReferenceError|Maximum call stack/m;

/** A one-line description of a result for failure messages. */
export function brief(result: ZenResult): string {
  const tail = (text: string) => text.trim().split("\n").slice(-4).join(" ⏎ ").slice(0, 600);
  return `rc=${result.status}${result.timedOut ? " (timed out)" : ""} ${Math.round(result.ms)}ms stderr: ${tail(result.stderr)} stdout: ${tail(result.stdout)}`;
}
