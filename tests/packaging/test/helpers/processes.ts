/**
 * Child processes for the packaging tests. Always asynchronous: the local registry these tests run
 * lives in this process, and a synchronous spawn would block it while npm waits for an answer.
 */
import { spawn } from "node:child_process";
import { homedir } from "node:os";

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment every command gets: the user's own (npm and node-gyp settings, certificates, the
 * npm cache shared between runs) without what the test runner and a parent npm/pnpm script set (pnpm's NODE_PATH would hand
 * the workspace's hoisted packages, better-sqlite3 among them, to every zen the test runs).
 */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    ([key, value]) => value !== undefined && !/^npm_/i.test(key) && !/^(NODE_OPTIONS|NODE_PATH|JEST_WORKER_ID|INIT_CWD|PNPM_SCRIPT_SRC_DIR|ZEN_.*)$/.test(key),
  ) as [string, string][];
  return {
    ...Object.fromEntries(inherited),
    HOME: process.env.HOME ?? homedir(),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_loglevel: "warn",
    NO_COLOR: "1",
    ...extra,
  };
}

export function run(command: string, args: string[], options: { cwd: string; env: Record<string, string>; shell?: boolean }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, shell: options.shell ?? false, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A shell command line, as a user types it. */
export function sh(line: string, options: { cwd: string; env: Record<string, string> }): Promise<Result> {
  return run("sh", ["-c", line], options);
}

/** What to show when a command failed: its output. */
export function failure(result: Result): { status: number; output: string } {
  return { status: result.status, output: result.status === 0 ? "" : `${result.stdout}\n${result.stderr}`.slice(-6000) };
}
