/**
 * The `memo` artifact store. This skeleton keeps objects as files under `root`, addressed as
 * `memo://<bucket>/<key>`: it works before you change anything. Replace each primitive with a call
 * to your storage service, keeping its contract (see BaseArtifactStore in @zen/core).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import {
  BaseArtifactStore,
  ConflictError,
  NotFoundError,
  ValidationError,
  type CopyOptions,
  type FileStat,
  type WriteOptions,
} from "@zen/core";
import type { MemoArtifactStoreConfig } from "./flavors.ts";

const SCHEME = "memo://";
/** In-progress uploads sit next to their target under this suffix until they are complete. */
const PARTIAL = ".partial-upload";

export class MemoArtifactStore extends BaseArtifactStore<MemoArtifactStoreConfig> {
  static override readonly supportedSchemes: readonly string[] = [SCHEME];

  /** `memo://bucket/key` → the file that holds it (never outside `root`). */
  private file(uri: string): string {
    const root = path.resolve(this.config.root);
    const file = path.resolve(root, uri.slice(SCHEME.length));
    if (file !== root && !file.startsWith(root + path.sep)) {
      throw new ValidationError(`'${uri}' points outside the store.`, { hint: "Use memo://<bucket>/<key> without '..'." });
    }
    return file;
  }

  async openRead(uri: string): Promise<Readable> {
    const handle = await fs.open(this.file(uri), "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" || error.code === "EISDIR" ? notFound(uri) : error;
    });
    return handle.createReadStream();
  }

  async openWrite(uri: string, options: WriteOptions = {}): Promise<Writable> {
    const target = this.file(uri);
    const overwrite = options.overwrite ?? true;
    if (!overwrite && (await pathExists(target))) throw exists(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Upload to a temporary object, then move it into place when the stream finishes: readers see
    // the old object or the whole new one, never a partial write.
    const temp = `${target}.${randomBytes(6).toString("hex")}${PARTIAL}`;
    const file: WriteStream = createWriteStream(temp, { flags: "wx" });
    const writer = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        file.write(chunk, (error) => callback(error ?? null));
      },
      final(callback) {
        file.end(() => commit(temp, target, overwrite, uri).then(() => callback(), (error: Error) => callback(error)));
      },
      destroy(error, callback) {
        file.destroy();
        fs.rm(temp, { force: true }).then(() => callback(error), () => callback(error));
      },
    });
    file.on("error", (error) => writer.destroy(error));
    return writer;
  }

  async exists(uri: string): Promise<boolean> {
    return pathExists(this.file(uri));
  }

  async stat(uri: string): Promise<FileStat> {
    const stats = await fs.stat(this.file(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return { size: stats.size, isDirectory: stats.isDirectory(), modifiedAt: stats.mtime };
  }

  async list(uri: string): Promise<string[]> {
    const names = await fs.readdir(this.file(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return names.filter((name) => !name.endsWith(PARTIAL)).sort();
  }

  async makedirs(uri: string): Promise<void> {
    await fs.mkdir(this.file(uri), { recursive: true });
  }

  async remove(uri: string, options: { recursive?: boolean } = {}): Promise<void> {
    const target = this.file(uri);
    const stats = await fs.lstat(target).catch(() => undefined);
    if (!stats) return;
    if (stats.isDirectory() && !options.recursive) await fs.rmdir(target);
    else await fs.rm(target, { recursive: options.recursive ?? false, force: true });
  }

  async rename(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.file(source);
    const to = this.file(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (await pathExists(to)) {
      if (!options.overwrite) throw exists(destination);
      await fs.rm(to, { recursive: true, force: true });
    }
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(from, to);
  }

  async copy(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.file(source);
    const to = this.file(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (!options.overwrite && (await pathExists(to))) throw exists(destination);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.cp(from, to, { recursive: true, force: options.overwrite ?? false, errorOnExist: !options.overwrite });
  }
}

/** Moves a finished upload into place; without overwrite, a hard link fails if the target appeared meanwhile. */
async function commit(temp: string, target: string, overwrite: boolean, uri: string): Promise<void> {
  if (overwrite) {
    await fs.rename(temp, target);
    return;
  }
  try {
    await fs.link(temp, target);
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "EEXIST" ? exists(uri) : error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function pathExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function notFound(uri: string): NotFoundError {
  return new NotFoundError(`No object or directory at '${uri}' in the memo store.`, {
    hint: "Check the path; artifacts of deleted runs may have been removed.",
  });
}

function exists(uri: string): ConflictError {
  return new ConflictError(`'${uri}' already exists in the memo store.`, { hint: "Pass { overwrite: true } to replace it." });
}
