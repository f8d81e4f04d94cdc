/**
 * A prediction service's process: started detached in a process group of its own (so that it outlives
 * the zen process that started it, and `mlflow models serve`'s workers stop with it), its output
 * appended to the service's log, checked over HTTP, stopped as a group.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readlinkSync, realpathSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface StartedProcess {
  pid: number;
  /** Resolves with the exit code (or signal) if the process ends. */
  exited: Promise<string>;
}

/** Starts `command` in `cwd` (the service directory), detached, stdout and stderr into `log`. */
export function startProcess(command: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): StartedProcess {
  const fd = openSync(log, "a");
  try {
    writeSync(fd, `\n--- ${new Date().toISOString()} start: ${command.join(" ")}\n`);
    const child = spawn(command[0]!, command.slice(1), { cwd, env, detached: true, stdio: ["ignore", fd, fd] });
    const exited = new Promise<string>((resolve) => {
      child.once("error", (error) => resolve(`could not start (${error.message})`));
      child.once("exit", (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
    child.unref();
    if (child.pid === undefined) return { pid: -1, exited };
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

/** Whether `pid` is alive and still the service's process (its working directory is the service directory). */
export function isServiceProcess(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: another user's process, so not ours.
    return false;
  }
  try {
    // The kernel reports the resolved path: compare with the directory's, not its spelling.
    return readlinkSync(`/proc/${pid}/cwd`) === realpathSync(dir);
  } catch {
    // No /proc (macOS): the pid file is all there is to go by.
    return process.platform !== "linux";
  }
}

/** Resolves once `GET <base>/ping` answers 200, or rejects with why not (the process ended, or the time ran out). */
export async function waitHealthy(baseUrl: string, started: StartedProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: string | undefined;
  started?.exited.then((how) => (ended = how));
  while (Date.now() < deadline) {
    if (ended !== undefined) throw new Error(`the process ${ended}`);
    if (await healthy(baseUrl, 2000)) return;
    await sleep(200);
  }
  throw new Error(`it did not answer ${baseUrl}/ping within ${Math.round(timeoutMs / 1000)} s`);
}

export async function healthy(baseUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Stops the process group led by `pid`: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(pid: number, graceMs = 10_000): Promise<void> {
  if (!signalGroup(pid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!signalGroup(pid, 0)) return;
  }
  signalGroup(pid, "SIGKILL");
  for (let i = 0; i < 50 && signalGroup(pid, 0); i++) await sleep(100);
}

/** Sends a signal to the group; false when no process of it is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A port on 127.0.0.1 that is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Whether something listens on the port already. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}
