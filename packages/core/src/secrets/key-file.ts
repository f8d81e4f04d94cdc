/**
 * The key file that encrypts local secrets: 32 random bytes in `<configDir>/secrets.key`, readable by
 * the user alone. It is created complete or not at all (written to a private temp file, then
 * hard-linked into place, which fails if another process won the race), so a concurrent reader never
 * sees a partial key and two processes never end up with different keys.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ZenError } from "../errors.ts";
import { tempName } from "../fs/atomic-write.ts";

export const KEY_FILE_NAME = "secrets.key";
export const KEY_LENGTH = 32;

export function keyFilePath(configDir: string): string {
  return join(configDir, KEY_FILE_NAME);
}

/** Reads the key file; `undefined` if it does not exist. Refuses a key others can read. */
export async function readKeyFile(path: string): Promise<Buffer | undefined> {
  // A short read can only come from the O_EXCL fallback below, while its creator is still writing.
  for (let attempt = 0; ; attempt++) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    if (!info.isFile()) {
      throw new ZenError(`The secrets key file ${path} is not a regular file.`, {
        code: "ZEN_SECRETS_KEY",
        hint: `Move ${path} aside; zen creates a new key file, but secrets encrypted with the old key can't be read.`,
      });
    }
    assertPrivate(path, info.mode);
    const key = await readFile(path);
    if (key.length === KEY_LENGTH) return key;
    if (key.length === 0 && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    throw new ZenError(`The secrets key file ${path} is damaged (it holds ${key.length} bytes, not ${KEY_LENGTH}).`, {
      code: "ZEN_SECRETS_KEY",
      hint: `Restore ${path} from a backup; without the original key the local secrets can't be decrypted.`,
    });
  }
}

/** Reads the key file, creating it (mode 0600) if it does not exist yet. */
export async function readOrCreateKeyFile(path: string): Promise<Buffer> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_LENGTH);
  if (await createExclusively(path, key)) return key;
  // Another process created it first: use theirs.
  const theirs = await readKeyFile(path);
  if (!theirs)
    throw new ZenError(`The secrets key file ${path} disappeared while it was being created.`, { code: "ZEN_SECRETS_KEY", hint: "Run the command again." });
  return theirs;
}

function assertPrivate(path: string, mode: number): void {
  // POSIX permission bits mean little on Windows, where the file lives in the user's profile.
  if (process.platform === "win32") return;
  if ((mode & 0o077) !== 0) {
    throw new ZenError(`The secrets key file ${path} can be accessed by other users (mode ${(mode & 0o777).toString(8).padStart(3, "0")}).`, {
      code: "ZEN_SECRETS_KEY_PERMISSIONS",
      hint: `Run \`chmod 600 ${path}\`; if others could read it, rotate the secrets it protects.`,
    });
  }
}

/** Creates `path` holding `content`, complete, unless it exists. Returns false if it existed. */
async function createExclusively(path: string, content: Buffer): Promise<boolean> {
  const temp = tempName(path);
  await writePrivateFile(temp, content, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
  try {
    await link(temp, path);
    await syncDirectory(dirname(path));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // File systems without hard links: fall back to O_EXCL on the key file itself.
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") {
      try {
        await writePrivateFile(path, content, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
        return true;
      } catch (fallbackError) {
        if ((fallbackError as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw fallbackError;
      }
    }
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function writePrivateFile(path: string, content: Buffer, flags: number): Promise<void> {
  const handle = await open(path, flags, 0o600);
  try {
    // The umask can only remove bits, but a file must never be created wider than 0600.
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or link durable; best effort, as some platforms can't open directories. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (e.g. Windows); the rename itself is still atomic.
  }
}
