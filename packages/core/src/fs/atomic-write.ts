/**
 * Atomic file replacement: readers see the old file or the new one, never a half-written file,
 * even when the process dies mid-write.
 */
import { link, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isTaggedProcessAlive, PROCESS_TAG_PATTERN, processTag } from "./process-alive.ts";

/** Mode of every file zen creates: config may name hosts and secret references. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates a directory (and parents) readable by the user alone. Existing directories keep their mode. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Writes `data` to a temp file in the target's directory (same filesystem, so `rename` is atomic),
 * fsyncs it, renames it over `path`, then fsyncs the directory so the rename itself is durable.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = PRIVATE_FILE_MODE,
  options: { backup?: boolean; durable?: boolean } = {},
): Promise<void> {
  // `durable: false` (a cache that is rebuilt when lost) skips the fsyncs: still atomic, not durable.
  const durable = options.durable ?? true;
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.${tempName(basename(path))}`);
  let renamed = false;
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backup) await keepBackup(path);
    await rename(temp, path);
    renamed = true;
    if (durable) await syncDir(dir);
  } finally {
    if (!renamed) await rm(temp, { force: true });
  }
  await removeDeadTemps(dir);
}

/** `<file>.bak`: the previous version of a file zen rewrites, the copy to restore if it gets damaged. */
export function backupPath(path: string): string {
  return `${path}.bak`;
}

/**
 * Makes `<path>.bak` the current version of `path` before it is replaced: a hard link, so no bytes
 * are copied (and the mode stays private); where links are unsupported, no backup is kept. No temp
 * name in between, so a writer killed here leaves nothing behind (at worst no `.bak` until the next
 * write); callers write under the file's lock, so no two writers race on the backup.
 */
async function keepBackup(path: string): Promise<void> {
  const backup = backupPath(path);
  await rm(backup, { force: true }).catch(() => {});
  await link(path, backup).catch(() => {});
}

/** `<name>.<process tag>.<random>.tmp`: a temp file that names its writer, so leftovers can be told from work in progress. */
export function tempName(name: string): string {
  return `${name}.${processTag()}.${crypto.randomUUID().slice(0, 12)}.tmp`;
}

const TEMP_NAME = new RegExp(String.raw`\.(${PROCESS_TAG_PATTERN})\.[0-9a-f-]{8,36}\.tmp$`);

/**
 * Removes temp files of writers that died mid-write (the name carries the writer's process tag): without
 * this, every `kill -9` during a write would leave one behind for good.
 */
export async function removeDeadTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (isDeadTemp(name)) await rm(join(dir, name), { force: true }).catch(() => {});
}

/** Whether `name` is a temp file (see `tempName`) whose writer is no longer running. */
export function isDeadTemp(name: string): boolean {
  const writer = TEMP_NAME.exec(name)?.[1];
  return writer !== undefined && !isTaggedProcessAlive(writer);
}

async function syncDir(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync (Windows); the rename is still atomic there.
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
