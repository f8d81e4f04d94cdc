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
import { ensurePrivateDir, isDeadTemp, PRIVATE_FILE_MODE } from "./atomic-write.ts";
import { currentProcessOwner, isTaggedProcessAlive, ownerGoneReason, PROCESS_TAG_PATTERN, type ProcessOwner, processTag } from "./process-alive.ts";

export interface LockOptions {
  /** How long one holder may keep the lock before a waiter gives up (ms). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is taken over even if its holder cannot be checked (ms). */
  staleMs?: number;
  /** Where take-over notices go; stderr by default. */
  notice?: (message: string) => void;
}

/** The holder: its process (pid, host and, on Linux, boot and start time, so a reused pid is not taken for it) and a nonce per hold. */
interface Owner extends ProcessOwner {
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
  const owner: Owner = { ...currentProcessOwner(), nonce: crypto.randomUUID() };
  await acquire(lockFile, owner, options.timeoutMs ?? 60_000, staleMs, options.notice ?? toStderr);
  // Keeps the mtime fresh so a waiter on another host never mistakes a slow holder for a dead one.
  const refresh = setInterval(
    () => {
      const now = new Date();
      utimes(lockFile, now, now).catch(() => {});
    },
    Math.max(50, Math.floor(staleMs / 3)),
  );
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    // Only our own lock is removed: after a take-over (we were presumed dead) it belongs to another.
    if ((await readOwner(lockFile))?.nonce === owner.nonce) await unlink(lockFile).catch(() => {});
  }
}

/**
 * Removes the lock on `path` if its holder is a process of this host that is gone. For code that
 * takes a lock only now and then (to initialise a database once): the lock a killed initialiser
 * left would otherwise stay until the next initialisation, which may never come.
 */
export async function clearDeadLock(path: string): Promise<void> {
  const lockFile = `${resolve(path)}.lock`;
  const current = await inspect(lockFile, Number.POSITIVE_INFINITY);
  if (current.state === "stale" && current.dead) await takeOver(lockFile, current.key);
}

function toStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function acquire(lockFile: string, owner: Owner, timeoutMs: number, staleMs: number, notice: (message: string) => void): Promise<void> {
  const temp = `${lockFile}.${processTag()}.${owner.nonce.slice(0, 8)}.tmp`;
  const handle = await open(temp, "wx", PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  const ticket = await takeTicket(lockFile, owner);
  try {
    const watch = holderWatch(lockFile, timeoutMs);
    let delay = 2;
    let refreshed = Date.now();
    // A waiter's ticket stays fresh while it waits: a silent one is skipped as abandoned.
    const keepTicketFresh = () => {
      if (Date.now() - refreshed <= staleMs / 3) return;
      refreshed = Date.now();
      utimes(ticket, new Date(), new Date()).catch(() => {});
    };
    let first = false;
    for (;;) {
      keepTicketFresh();
      if (!first) {
        const line = await waitersAhead(lockFile, ticket, staleMs);
        if (line.ahead > 0) {
          // Not our turn: wait for the waiter just ahead to leave the line (it got the lock, gave up
          // or died). Only that one file is watched, not the directory: a line of n waiters costs
          // O(n) checks per turn, not O(n²). The holder is checked too, now and then, for the timeout.
          await untilGone(line.previous!, staleMs, line.ahead, watch, keepTicketFresh);
          continue;
        }
        // Those who arrive later queue behind us: we stay first until we get the lock.
        first = true;
      }
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
      const current = await inspect(lockFile, staleMs);
      if (current.state === "gone") continue;
      if (current.state === "stale") {
        if (await takeOver(lockFile, current.key)) {
          notice(
            current.dead
              ? `zen: the lock on '${lockFile}' was held by process ${current.owner!.pid}, which is no longer running; taking it over.`
              : `zen: the lock on '${lockFile}' was not refreshed for ${Math.round(staleMs / 1000)} s, so its holder is gone; taking it over.`,
          );
        }
        continue;
      }
      if (watch.check(current)) delay = 2;
      // First in line: poll the holder often, backing off while the same holder keeps the lock.
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 1.5, 50);
    }
  } finally {
    await rm(temp, { force: true });
    await rm(ticket, { force: true });
  }
}

/**
 * The deadline runs per holder: a queue that keeps moving is progress, however long it is. `check`
 * returns true when the holder changed, and throws once the same holder has kept it `timeoutMs`.
 */
function holderWatch(lockFile: string, timeoutMs: number) {
  let holder: string | undefined;
  let deadline = Date.now() + timeoutMs;
  return {
    check(current: Inspection): boolean {
      if (current.state !== "held") return false;
      if (current.key !== holder) {
        holder = current.key;
        deadline = Date.now() + timeoutMs;
        return true;
      }
      if (Date.now() >= deadline) {
        const owner = current.owner ? ` (pid ${current.owner.pid} on ${current.owner.host})` : "";
        throw new ZenError(`Timed out waiting for the lock on '${lockFile.slice(0, -".lock".length)}'.`, {
          code: "ZEN_LOCKED",
          hint: `Another zen process${owner} is holding it. If none is running, remove the file '${lockFile}'.`,
        });
      }
      return false;
    },
    lockFile,
  };
}

/**
 * Waits until the ticket `previous` is gone, its process dead or its ticket silent for `staleMs`.
 * The further back in line, the less often it looks (the one ahead cannot leave before the `ahead`
 * waiters before it had their turn); the holder is inspected every few hundred ms for the timeout.
 */
async function untilGone(previous: string, staleMs: number, ahead: number, watch: ReturnType<typeof holderWatch>, keepTicketFresh: () => void): Promise<void> {
  const waiter = TICKET.exec(basename(previous))?.[3] ?? "";
  let inspected = Date.now();
  for (;;) {
    const info = await stat(previous).catch(() => undefined);
    if (!info || !isTaggedProcessAlive(waiter) || Date.now() - info.mtimeMs > staleMs) return;
    if (Date.now() - inspected > Math.min(300 + 20 * ahead, 2_000)) {
      inspected = Date.now();
      watch.check(await inspect(watch.lockFile, staleMs));
    }
    keepTicketFresh();
    await sleep(Math.min(10 + 20 * (ahead - 1), 250, staleMs / 3) * (0.5 + Math.random()));
  }
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
  const ticket = `${lockFile}.wait-${stamp}.${processTag()}.${owner.nonce.slice(0, 8)}.tmp`;
  await (await open(ticket, "wx", PRIVATE_FILE_MODE)).close();
  return ticket;
}

const TICKET = new RegExp(String.raw`^(.*)\.wait-(\d+-\d+)\.(${PROCESS_TAG_PATTERN})\.[0-9a-f]{8}\.tmp$`);

/**
 * How many live waiters arrived before `ticket` (0: it is our turn) and the one just ahead of it.
 * Dead waiters' tickets are cleared and long-silent ones skipped; called once per move up the
 * line, not per poll.
 */
async function waitersAhead(lockFile: string, ticket: string, staleMs: number): Promise<{ ahead: number; previous?: string }> {
  const dir = dirname(lockFile);
  const lockName = basename(lockFile);
  const mine = basename(ticket);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { ahead: 0 };
  }
  // Dead processes' tickets and owner temps go here: in a directory that zen never writes a file
  // into (a SQLite store's), nothing else would ever remove what a writer killed while queueing left.
  const ours: string[] = [];
  for (const name of names) {
    if (!name.startsWith(`${lockName}.`)) continue;
    if (isDeadTemp(name)) await rm(join(dir, name), { force: true });
    else ours.push(name);
  }
  const ahead = ours.filter((name) => name < mine && TICKET.exec(name)?.[1] === lockName).sort();
  let live = 0;
  let previous: string | undefined;
  for (const name of ahead) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs > staleMs) continue;
    live++;
    previous = join(dir, name);
  }
  return previous === undefined ? { ahead: 0 } : { ahead: live, previous };
}

type Inspection = { state: "gone" } | { state: "held" | "stale"; key: string; owner: Owner | undefined; dead: boolean };

async function inspect(lockFile: string, staleMs: number): Promise<Inspection> {
  const info = await stat(lockFile).catch(() => undefined);
  if (!info) return { state: "gone" };
  const owner = info.isFile() ? await readOwner(lockFile) : undefined;
  const key = owner?.nonce ?? `mtime:${info.mtimeMs}:${info.ino}`;
  // A holder on this host is checked directly: alive means held, however long it takes. The mtime
  // only decides for holders that cannot be checked (another host, or an owner that cannot be read).
  if (owner !== undefined && owner.host === hostname()) {
    const dead = ownerGoneReason(owner) !== undefined;
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
    const guard = await open(guardFile, "wx", PRIVATE_FILE_MODE);
    try {
      await guard.writeFile(processTag());
    } finally {
      await guard.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Held only for a few system calls. One whose writer is dead (killed mid-take-over) is removed at
    // once; one that names nobody (killed before writing its pid) once it is a second old.
    const writer = await readFile(guardFile, "utf8").catch(() => "");
    const info = await stat(guardFile).catch(() => undefined);
    if ((new RegExp(`^${PROCESS_TAG_PATTERN}$`).test(writer) && !isTaggedProcessAlive(writer)) || (info && Date.now() - info.mtimeMs > 1_000))
      await rm(guardFile, { force: true });
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
