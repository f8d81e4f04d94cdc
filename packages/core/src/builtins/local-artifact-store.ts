/** The `local` artifact store: artifacts as files under a directory on this machine. */
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Writable, type Readable } from "node:stream";
import { BaseArtifactStore, type ArtifactStoreConfig, type CopyOptions, type FileStat, type WriteOptions } from "../components/artifact-store.ts";
import { ConflictError, NotFoundError } from "../errors.ts";

/** Files up to this size are written without the thread pool. */
const SMALL_FILE_BYTES = 64 * 1024;

export class LocalArtifactStore extends BaseArtifactStore<ArtifactStoreConfig> {
  static override readonly supportedSchemes: readonly string[] = [""];

  /** Accepts plain paths and `file://` URLs. */
  private local(uri: string): string {
    return path.resolve(uri.startsWith("file://") ? fileURLToPath(uri) : uri);
  }

  async openRead(uri: string): Promise<Readable> {
    const file = this.local(uri);
    const handle = await fs.open(file, "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return handle.createReadStream();
  }

  /** Faster than the stream path for whole buffers; same atomicity. */
  override async writeBytes(uri: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const target = this.local(uri);
    const overwrite = options.overwrite ?? true;
    if (!overwrite && (await pathExists(target))) throw exists(uri);
    const temp = tempPathFor(target);
    if (data.byteLength <= SMALL_FILE_BYTES && overwrite) {
      // Small files (most step outputs) are written synchronously: four thread-pool round trips cost
      // more than the syscalls themselves, and dominate a step's overhead on a busy machine.
      try {
        writeFileSync(temp, data, { flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(temp, data, { flag: "wx" });
      }
      renameSync(temp, target);
      return;
    }
    try {
      await fs.writeFile(temp, data, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(temp, data, { flag: "wx" });
    }
    await commit(temp, target, overwrite, uri);
  }

  override async readBytes(uri: string): Promise<Buffer> {
    return fs.readFile(this.local(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
  }

  async openWrite(uri: string, options: WriteOptions = {}): Promise<Writable> {
    const target = this.local(uri);
    const overwrite = options.overwrite ?? true;
    if (!overwrite && (await pathExists(target))) throw exists(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Write next to the target, then rename (or link, when not overwriting) on finish: atomic.
    const temp = tempPathFor(target);
    const file = createWriteStream(temp, { flags: "wx" });
    const writer: Writable = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        file.write(chunk, (error) => callback(error ?? null));
      },
      final(callback) {
        file.end(() => {
          commit(temp, target, overwrite, uri).then(
            () => callback(),
            (error: Error) => callback(error),
          );
        });
      },
      destroy(error, callback) {
        // The temp file may still be opening: remove it once the file stream has closed, or the open
        // would create it after the removal.
        const remove = () =>
          void fs.rm(temp, { force: true }).then(
            () => callback(error),
            () => callback(error),
          );
        if (file.closed) remove();
        else {
          file.once("close", remove);
          file.destroy();
        }
      },
    });
    file.on("error", (error) => writer.destroy(error));
    return writer;
  }

  async exists(uri: string): Promise<boolean> {
    return pathExists(this.local(uri));
  }

  async stat(uri: string): Promise<FileStat> {
    const stats = await fs.stat(this.local(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return { size: stats.size, isDirectory: stats.isDirectory(), modifiedAt: stats.mtime };
  }

  async list(uri: string): Promise<string[]> {
    const names = await fs.readdir(this.local(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return names.sort();
  }

  async makedirs(uri: string): Promise<void> {
    // Synchronous for the same reason as small writes: a few metadata syscalls, no thread-pool hop.
    mkdirSync(this.local(uri), { recursive: true });
  }

  async remove(uri: string, options: { recursive?: boolean } = {}): Promise<void> {
    const target = this.local(uri);
    const stats = await fs.lstat(target).catch(() => undefined);
    if (!stats) return;
    if (stats.isDirectory() && !options.recursive) await fs.rmdir(target);
    else await fs.rm(target, { recursive: options.recursive ?? false, force: true });
  }

  async rename(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.local(source);
    const to = this.local(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (await pathExists(to)) {
      if (!options.overwrite) throw exists(destination);
      await fs.rm(to, { recursive: true, force: true });
    }
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(from, to);
  }

  async copy(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.local(source);
    const to = this.local(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (!options.overwrite && (await pathExists(to))) throw exists(destination);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.cp(from, to, { recursive: true, force: options.overwrite ?? false, errorOnExist: !options.overwrite });
  }
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Moves a finished temp file into place; without overwrite, a hard link fails if the target appeared meanwhile. */
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

async function pathExists(target: string): Promise<boolean> {
  return fs.access(target).then(
    () => true,
    () => false,
  );
}

function notFound(uri: string): NotFoundError {
  return new NotFoundError(`No file or directory at '${uri}' in the artifact store.`, {
    hint: "Check the path; artifacts of deleted runs may have been removed.",
  });
}

function exists(uri: string): ConflictError {
  return new ConflictError(`'${uri}' already exists in the artifact store.`, {
    hint: "Pass { overwrite: true } to replace it.",
  });
}
