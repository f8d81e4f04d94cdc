/**
 * A cross-process lock on a file path, plus an in-process queue so concurrent callers in one process
 * wait their turn instead of polling.
 *
 * The lock is a file, `<path>.lock`, naming its holder (pid, host, a random nonce). It is created
 * with `link()` from a fully written temp file, so it never exists without its owner record. A lock
 * whose holder is a dead process on this host is taken over at once (with a notice on stderr); one
 * from another host, or without a readable owner, is stale once its mtime (refreshed by the holder)
 * is older than `staleMs`. Waiting has no fixed total deadline: it fails only when the same holder
 * keeps the lock for `timeoutMs`, so a long queue of writers that keeps moving always drains.
 */
import { hostname } from "node:os";
import { link, open, readdir, readFile, rm, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ZenError } from "../errors.ts";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "./atomic-write.ts";
import { isProcessAlive } from "./process-alive.ts";

export interface LockOptions {
  /** How long one holder may keep the lock before a waiter gives up (ms). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is taken over even if its holder cannot be checked (ms). */
  staleMs?: number;
  /** Where take-over notices go; stderr by default. */
  notice?: (message: string) => void;
}

interface Owner {
  pid: number;
  host: string;
  nonce: string;
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
  const staleMs = options.staleMs ?? 15_000;
  const lockFile = `${target}.lock`;
  await ensurePrivateDir(dirname(target));
  const owner: Owner = { pid: process.pid, host: hostname(), nonce: crypto.randomUUID() };
  await acquire(lockFile, owner, options.timeoutMs ?? 60_000, staleMs, options.notice ?? toStderr);
  // Keeps the mtime fresh so a waiter on another host never mistakes a slow holder for a dead one.
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(lockFile, now, now).catch(() => {});
  }, Math.max(50, Math.floor(staleMs / 3)));
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    // Only our own lock is removed: after a take-over (we were presumed dead) it belongs to another.
    if ((await readOwner(lockFile))?.nonce === owner.nonce) await unlink(lockFile).catch(() => {});
  }
}

function toStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function acquire(lockFile: string, owner: Owner, timeoutMs: number, staleMs: number, notice: (message: string) => void): Promise<void> {
  const temp = `${lockFile}.${owner.pid}.${owner.nonce.slice(0, 8)}.tmp`;
  const handle = await open(temp, "wx", PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  const ticket = await takeTicket(lockFile, owner);
  try {
    let holder: string | undefined;
    let deadline = Date.now() + timeoutMs;
    let delay = 2;
    let refreshed = Date.now();
    for (;;) {
      const ahead = await waitersAhead(lockFile, ticket, staleMs);
      if (ahead === 0) {
        try {
          // The lock's mtime is the temp file's: fresh at each attempt, or a long wait would make a
          // just-taken lock look abandoned to waiters on other hosts.
          const now = new Date();
          await utimes(temp, now, now);
          await link(temp, lockFile);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
      }
      const current = await inspect(lockFile, staleMs);
      if (current.state === "gone") {
        if (ahead > 0) await sleep(backOfLine(ahead));
        continue;
      }
      if (current.state === "stale" && ahead === 0) {
        if (await takeOver(lockFile, current.key)) {
          notice(
            current.dead
              ? `zen: the lock on '${lockFile}' was held by process ${current.owner!.pid}, which is no longer running; taking it over.`
              : `zen: the lock on '${lockFile}' was not refreshed for ${Math.round(staleMs / 1000)} s, so its holder is gone; taking it over.`,
          );
        }
        continue;
      }
      // The deadline runs per holder: a queue that keeps moving is progress, however long it is.
      if (current.key !== holder) {
        holder = current.key;
        deadline = Date.now() + timeoutMs;
        delay = 2;
      } else if (Date.now() >= deadline) {
        throw new ZenError(`Timed out waiting for the lock on '${lockFile.slice(0, -".lock".length)}'.`, {
          code: "ZEN_LOCKED",
          hint: `Another zen process${current.owner ? ` (pid ${current.owner.pid} on ${current.owner.host})` : ""} is holding it. If none is running, remove the file '${lockFile}'.`,
        });
      }
      if (Date.now() - refreshed > staleMs / 3) {
        refreshed = Date.now();
        await utimes(ticket, new Date(), new Date()).catch(() => {});
      }
      // The next in line polls often; those further back less, so a long queue costs little.
      await sleep(ahead === 0 ? delay * (0.5 + Math.random()) : backOfLine(ahead));
      delay = Math.min(delay * 1.5, 50);
    }
  } finally {
    await rm(temp, { force: true });
    await rm(ticket, { force: true });
  }
}

/** Poll interval of a waiter with `ahead` others before it (randomized, so they spread out). */
function backOfLine(ahead: number): number {
  return Math.min(10 * ahead, 200) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ── the waiting line ──────────────────────────────────────────────────────
// Waiters queue in arrival order: each leaves a ticket file next to the lock, named by arrival time,
// and only the first live one tries to take the lock. Tickets decide fairness only, never safety
// (that is `link()`'s job), so a ticket wrongly skipped costs at most one turn.

let ticketSequence = 0;

async function takeTicket(lockFile: string, owner: Owner): Promise<string> {
  const stamp = `${String(Date.now()).padStart(15, "0")}-${String(ticketSequence++).padStart(6, "0")}`;
  const ticket = `${lockFile}.wait-${stamp}.${owner.pid}.${owner.nonce.slice(0, 8)}.tmp`;
  await (await open(ticket, "wx", PRIVATE_FILE_MODE)).close();
  return ticket;
}

const TICKET = /^(.*)\.wait-(\d+-\d+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** How many live waiters arrived before `ticket`; tickets of dead or long-silent waiters are cleared. */
async function waitersAhead(lockFile: string, ticket: string, staleMs: number): Promise<number> {
  const dir = dirname(lockFile);
  const lockName = basename(lockFile);
  const mine = basename(ticket);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let ahead = 0;
  for (const name of names) {
    const match = TICKET.exec(name);
    if (!match || match[1] !== lockName || name >= mine) continue;
    if (!isProcessAlive(Number(match[3]))) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs > staleMs) continue;
    ahead++;
  }
  return ahead;
}

type Inspection =
  | { state: "gone" }
  | { state: "held" | "stale"; key: string; owner: Owner | undefined; dead: boolean };

async function inspect(lockFile: string, staleMs: number): Promise<Inspection> {
  const info = await stat(lockFile).catch(() => undefined);
  if (!info) return { state: "gone" };
  const owner = info.isFile() ? await readOwner(lockFile) : undefined;
  const key = owner?.nonce ?? `mtime:${info.mtimeMs}:${info.ino}`;
  // A holder on this host is checked directly: alive means held, however long it takes. The mtime
  // only decides for holders that cannot be checked (another host, or an owner that cannot be read).
  if (owner !== undefined && owner.host === hostname()) {
    const dead = !isProcessAlive(owner.pid);
    return { state: dead ? "stale" : "held", key, owner, dead };
  }
  const old = Date.now() - info.mtimeMs > staleMs;
  return { state: old ? "stale" : "held", key, owner, dead: false };
}

async function readOwner(lockFile: string): Promise<Owner | undefined> {
  try {
    const value = JSON.parse(await readFile(lockFile, "utf8")) as Partial<Owner>;
    if (typeof value.pid === "number" && typeof value.host === "string" && typeof value.nonce === "string") return value as Owner;
  } catch {
    /* missing, a directory (a lock from an older zen) or half-written: no owner to check */
  }
  return undefined;
}

/**
 * Removes a stale lock, but only if it is still the one judged stale: take-overs go through a
 * short-lived second lock, so two waiters can never both remove locks (the second would remove the
 * first's fresh one). Returns whether this call removed it.
 */
async function takeOver(lockFile: string, key: string): Promise<boolean> {
  const guardFile = `${lockFile}.takeover`;
  try {
    await (await open(guardFile, "wx", PRIVATE_FILE_MODE)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Held only for a few system calls; one older than a second was left by a killed process.
    const info = await stat(guardFile).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 1_000) await rm(guardFile, { force: true });
    else await new Promise((done) => setTimeout(done, 5));
    return false;
  }
  try {
    const info = await stat(lockFile).catch(() => undefined);
    if (!info) return false;
    const owner = info.isFile() ? await readOwner(lockFile) : undefined;
    if ((owner?.nonce ?? `mtime:${info.mtimeMs}:${info.ino}`) !== key) return false;
    await rm(lockFile, { recursive: true, force: true });
    return true;
  } finally {
    await rm(guardFile, { force: true });
  }
}
