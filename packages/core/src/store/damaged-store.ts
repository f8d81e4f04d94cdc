/**
 * Errors for a profile store that should exist but is missing or damaged. Such a store is never
 * taken as empty: the next write would make the loss permanent.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ZenError } from "../errors.ts";
import { backupPath } from "../fs/atomic-write.ts";

/** The newest backup of `file`: `<file>.bak` or a migration copy `<file>.v<version>-….bak`. */
export function newestBackup(file: string): string | undefined {
  const dir = dirname(file);
  const name = basename(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  let best: { path: string; mtime: number } | undefined;
  for (const candidate of names) {
    if (candidate !== basename(backupPath(file)) && !(candidate.startsWith(`${name}.v`) && candidate.endsWith(".bak"))) continue;
    const path = join(dir, candidate);
    const info = statSync(path, { throwIfNoEntry: false });
    if (info?.isFile() && info.size > 0 && (!best || info.mtimeMs > best.mtime)) best = { path, mtime: info.mtimeMs };
  }
  return best?.path;
}

/** What to do about a damaged or missing store file: restore its backup if there is one, else delete the profile. */
export function damagedStoreHint(file: string): string {
  const backup = newestBackup(file);
  const restore = backup ? `Restore the copy zen kept of it: \`cp '${backup}' '${file}'\`; or remove` : "Restore it from your own backup, or remove";
  return `zen changed nothing. ${restore} the profile with \`zen profile delete <profile>\` and create it afresh.`;
}

export function missingStore(file: string, what: string): ZenError {
  return new ZenError(`The profile's stack store is missing: ${what} '${file}' does not exist.`, {
    code: "ZEN_STORE_MISSING",
    hint: damagedStoreHint(file),
  });
}

export function damagedStore(file: string, what: string): ZenError {
  return new ZenError(`The profile's stack store '${file}' is damaged: ${what}.`, {
    code: "ZEN_CONFIG_MALFORMED",
    hint: damagedStoreHint(file),
  });
}

/** Re-labels a malformed-file error from reading a store with the store's hint (restore, not "move aside"). */
export function asDamagedStore(file: string, error: unknown): unknown {
  if (error instanceof ZenError && error.code === "ZEN_CONFIG_MALFORMED" && !error.message.startsWith("The profile's stack store")) {
    return new ZenError(error.message, { code: "ZEN_CONFIG_MALFORMED", hint: damagedStoreHint(file), cause: error });
  }
  return error;
}
