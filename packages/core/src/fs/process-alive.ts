/**
 * Whether a process is still running: the test behind taking over crash leftovers (locks, temp
 * files) and behind showing a run whose process died as crashed.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** `kill(pid, 0)` checks existence without signalling; EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Identifies a process across time: its pid and host, plus (on Linux) the boot id and the process's
 * start time, so a reused pid or a rebooted machine is not mistaken for the same process.
 */
export interface ProcessOwner {
  pid: number;
  host: string;
  boot?: string | undefined;
  start?: string | undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot (the name before it may hold spaces). */
function startTimeOf(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

let ownTag: string | undefined;

/**
 * This process as the names of files it may leave behind carry it: `<pid>`, plus `-<start time>`
 * where the start time can be read, so a file's writer is not mistaken for a later process that
 * got the same pid (pids wrap around quickly on a busy machine).
 */
export function processTag(): string {
  if (ownTag === undefined) {
    const start = startTimeOf(process.pid);
    ownTag = start === undefined ? String(process.pid) : `${process.pid}-${start}`;
  }
  return ownTag;
}

/** What `processTag()` looks like, for the patterns that find leftover files. */
export const PROCESS_TAG_PATTERN = String.raw`\d+(?:-\d+)?`;

/** Whether the process a tag names may still be running: its pid is alive and, if the tag says when it started, started then. */
export function isTaggedProcessAlive(tag: string): boolean {
  const [pid, start] = tag.split("-");
  if (!isProcessAlive(Number(pid))) return false;
  return start === undefined || Number(pid) === process.pid || startTimeOf(Number(pid)) === start;
}

export function currentProcessOwner(): ProcessOwner {
  const owner: ProcessOwner = { pid: process.pid, host: hostname() };
  const boot = readText("/proc/sys/kernel/random/boot_id");
  const start = startTimeOf(process.pid);
  if (boot !== undefined) owner.boot = boot;
  if (start !== undefined) owner.start = start;
  return owner;
}

/**
 * Why `owner` is known to be gone, or `undefined` while it may still be running (including every
 * process of another host: that cannot be checked from here).
 */
export function ownerGoneReason(owner: ProcessOwner): string | undefined {
  if (owner.host !== hostname()) return undefined;
  const who = `process ${owner.pid} on ${owner.host}`;
  if (owner.boot !== undefined) {
    const boot = readText("/proc/sys/kernel/random/boot_id");
    if (boot !== undefined && boot !== owner.boot) return `${who} ended when the machine restarted`;
  }
  if (!isProcessAlive(owner.pid)) return `${who} is no longer running`;
  if (owner.start !== undefined) {
    const start = startTimeOf(owner.pid);
    if (start !== undefined && start !== owner.start) return `${who} is no longer running (its pid now belongs to another process)`;
  }
  return undefined;
}
