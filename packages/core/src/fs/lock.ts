/**
 * A cross-process lock on a file path (a `<path>.lock` directory, via proper-lockfile), plus an
 * in-process queue so concurrent callers in one process wait their turn instead of polling.
 */
import { dirname, resolve } from "node:path";
import { ZenError } from "../errors.ts";
import { ensurePrivateDir } from "./atomic-write.ts";

export interface LockOptions {
  /** How long to keep retrying before giving up (ms). Generous: 20 processes may queue for one file. */
  timeoutMs?: number;
  /** A lock not refreshed for this long belongs to a dead process and is taken over (ms). */
  staleMs?: number;
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the lock on `path`; the file itself need not exist. Not reentrant: `fn`
 * must not take the lock on the same path again (it would wait for itself).
 */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const target = resolve(path);
  const previous = queues.get(target) ?? Promise.resolve();
  const run = previous.then(
    () => lockAndRun(target, fn, options),
    () => lockAndRun(target, fn, options),
  );
  // The queue entry must never reject, or the next caller would see this caller's error.
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(target, settled);
  try {
    return await run;
  } finally {
    if (queues.get(target) === settled) queues.delete(target);
  }
}

async function lockAndRun<T>(target: string, fn: () => Promise<T> | T, options: LockOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 15_000;
  await ensurePrivateDir(dirname(target));
  // Loaded on first write only: read-only commands never pay for it.
  const { default: lockfile } = await import("proper-lockfile");
  const deadline = Date.now() + timeoutMs;
  let release: (() => Promise<void>) | undefined;
  let delay = 5;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: staleMs,
        update: Math.floor(staleMs / 3),
        retries: 0,
        // The default throws from a timer and kills the process; the write is atomic either way.
        onCompromised: () => {},
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      if (Date.now() >= deadline) {
        throw new ZenError(`Timed out waiting for the lock on '${target}'.`, {
          code: "ZEN_LOCKED",
          hint: `Another zen process is holding it. If none is running, remove the directory '${target}.lock'.`,
        });
      }
      // Randomized backoff keeps 20 waiting processes from retrying in lock-step.
      await new Promise((done) => setTimeout(done, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 1.5, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
