/**
 * The `memo` artifact store: objects in the memo storage service, addressed as
 * `memo://<bucket>/<key>`. ObjectArtifactStore (@zen/core/object-store) builds the filesystem API
 * zen uses from the object primitives below. This skeleton implements them on local files under
 * `root`, so it works before you change anything: replace each with a call to your service (its
 * client built from `this.config`, e.g. `this.config.token`), keeping the contract in its comment.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { ValidationError } from "@zen/core/flavor";
import { ObjectArtifactStore, parallel, type ObjectInfo, type ObjectLocation, type ObjectPage } from "@zen/core/object-store";
import type { MemoArtifactStoreConfig } from "./flavors.ts";

export class MemoArtifactStore extends ObjectArtifactStore<MemoArtifactStoreConfig> {
  static override readonly supportedSchemes: readonly string[] = ["memo://"];
  protected readonly serviceName = "memo";

  /** Replace with your service's object metadata request (HEAD); a missing object is undefined. */
  protected async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const stats = await fs.stat(this.objectFile(bucket, key)).catch(ifMissing(undefined));
    return stats && { key, size: stats.size, modifiedAt: stats.mtime };
  }

  /** Replace with a streaming download (GET); a missing object is `this.notFound(uri)`. */
  protected async readObject(bucket: string, key: string): Promise<Readable> {
    const file = await fs.open(this.objectFile(bucket, key), "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? this.notFound(`memo://${bucket}/${key}`) : error;
    });
    return file.createReadStream();
  }

  /** Replace with a streaming upload whose object appears only when it completes, conditional with ifAbsent. */
  protected async writeObject(bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<Writable> {
    const temp = await this.tempFile();
    const file = (await fs.open(temp, "wx")).createWriteStream();
    const writer = new Writable({
      write: (chunk: Buffer, _encoding, done) => file.write(chunk, done),
      final: (done) => file.end(() => this.commit(temp, bucket, key, options).then(() => done(), done)),
      // A cancelled upload leaves no object.
      destroy: (error, done) => {
        file.destroy();
        fs.rm(temp, { force: true }).then(() => done(error), done);
      },
    });
    file.on("error", (error) => writer.destroy(error));
    return writer;
  }

  /** Replace with your service's listing, page by page, with "/" as the delimiter when asked. */
  protected async *listObjects(bucket: string, prefix: string, options: { delimiter: boolean; limit?: number }): AsyncIterable<ObjectPage> {
    // One page from a scan of the whole bucket directory: fine for a skeleton, slow for big buckets.
    const names = await fs.readdir(this.bucketDir(bucket)).catch(ifMissing([]));
    const objects: ObjectInfo[] = [];
    const prefixes = new Set<string>();
    for (const key of names.map(decodeURIComponent).filter((k) => k.startsWith(prefix)).sort()) {
      const slash = options.delimiter ? key.indexOf("/", prefix.length) : -1;
      if (slash !== -1) prefixes.add(key.slice(0, slash + 1));
      else {
        const object = await this.headObject(bucket, key);
        if (object) objects.push(object);
      }
      if (options.limit && objects.length + prefixes.size >= options.limit) break;
    }
    yield { objects, prefixes: [...prefixes] };
  }

  /** Replace with your service's (batch) delete; a missing object is not an error. */
  protected async deleteObjects(bucket: string, keys: string[]): Promise<void> {
    await parallel(keys, 8, (key) => fs.rm(this.objectFile(bucket, key), { force: true }));
  }

  /** Replace with your service's server-side copy, conditional with ifAbsent. */
  protected async copyObject(source: ObjectLocation, destination: ObjectLocation, options: { ifAbsent: boolean; uri: string }): Promise<void> {
    const temp = await this.tempFile();
    await fs.copyFile(this.objectFile(source.bucket, source.key), temp).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? this.notFound(`memo://${source.bucket}/${source.key}`) : error;
    });
    await this.commit(temp, destination.bucket, destination.key, options);
  }

  /** Replace with a one-object listing of the bucket: false when your service says it does not exist. */
  protected async bucketExists(bucket: string): Promise<boolean> {
    this.bucketDir(bucket); // (refuses names that would leave `root`)
    // Every bucket exists here (its directory appears with its first object), so a new store works at once.
    return true;
  }

  // ── the skeleton's storage: `root/<bucket>/<encoded key>` ──────────────────

  /** One directory per bucket under `root`. */
  private bucketDir(bucket: string): string {
    if (bucket.startsWith(".")) {
      throw new ValidationError(`'${bucket}' is not a valid memo bucket name.`, { hint: "Start the bucket name with a letter or a digit." });
    }
    return path.join(this.config.root, encodeURIComponent(bucket));
  }

  /**
   * One file per object, named by its whole key encoded (`a%2Fb`), so the object `a/b` and the
   * directory marker `a/b/` are two files. (Encoded keys must fit a file name: about 255 bytes.)
   */
  private objectFile(bucket: string, key: string): string {
    return path.join(this.bucketDir(bucket), encodeURIComponent(key));
  }

  /** A new file for an upload in progress, outside every bucket so that listings never see it. */
  private async tempFile(): Promise<string> {
    const uploads = path.join(this.config.root, ".uploads");
    await fs.mkdir(uploads, { recursive: true });
    return path.join(uploads, randomUUID());
  }

  /** Moves a finished upload into place: rename replaces an object, link fails if one exists. */
  private async commit(temp: string, bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<void> {
    const target = this.objectFile(bucket, key);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await (options.ifAbsent ? fs.link(temp, target) : fs.rename(temp, target));
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code === "EEXIST" ? this.alreadyExists(options.uri) : error;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }
}

/** For `.catch`: a missing file or directory gives `value`; other errors pass through. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return value;
    throw error;
  };
}
