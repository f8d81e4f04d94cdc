/**
 * The filesystem API of an artifact store on top of an object store (S3, GCS, Azure Blob, …).
 * Object stores have flat keys and no directories, so this class emulates them once for every
 * backend, with the convention the cloud consoles use:
 *
 * - `scheme://bucket/a/b` names the object `a/b` in `bucket`; `scheme://bucket` is the bucket root.
 * - A directory exists when an object has its key as prefix (`a/b/…`), or when the zero-byte marker
 *   object `a/b/` exists (`makedirs` writes it, so empty directories survive).
 * - Writes are atomic because objects only appear when an upload completes; `overwrite: false` is a
 *   conditional write (if-absent), so concurrent writers cannot both win.
 * - `rename` and `copy` of a directory are object-by-object copies, not atomic.
 *
 * A backend implements the object primitives below and maps its SDK's errors with `mapError`.
 */
import nodePath from "node:path";
import type { Readable, Writable } from "node:stream";
import {
  BaseArtifactStore,
  type ArtifactStoreConfig,
  type CopyOptions,
  type FileStat,
  type WalkEntry,
  type WriteOptions,
} from "../components/artifact-store.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { PipelineDeployment } from "../stack-component.ts";
import { bucketNotFoundError, withTimeout, type StoreErrorContext } from "./store-errors.ts";

export interface ObjectInfo {
  /** The full key in the bucket. */
  key: string;
  size: number;
  modifiedAt: Date;
}

/** One page of a listing: objects, and (with a delimiter) the common prefixes, each ending in `/`. */
export interface ObjectPage {
  objects: ObjectInfo[];
  prefixes: string[];
}

export interface ObjectLocation {
  bucket: string;
  /** Without a leading or trailing `/`; `""` for the bucket root. */
  key: string;
}

/** How long the access check before a run may take (a run must fail fast on an unreachable endpoint). */
const ACCESS_CHECK_TIMEOUT_MS = 20_000;
/** Parallel requests for directory copies and deletes. */
const PARALLEL_REQUESTS = 8;

export abstract class ObjectArtifactStore<Config extends ArtifactStoreConfig = ArtifactStoreConfig> extends BaseArtifactStore<Config> {
  // ── object primitives a backend implements ─────────────────────────────────
  /** Metadata of an object, or undefined when it does not exist. */
  protected abstract headObject(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** A stream of the object's bytes; rejects (mapped) when it does not exist. */
  protected abstract readObject(bucket: string, key: string): Promise<Readable>;
  /**
   * A stream whose bytes become the object when it finishes (and nothing when it is destroyed).
   * With `ifAbsent`, the write fails with `alreadyExists(uri)` if the object exists by then.
   */
  protected abstract writeObject(bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<Writable>;
  /** Pages of objects under `prefix`; with `delimiter`, one level only (common prefixes separately). */
  protected abstract listObjects(bucket: string, prefix: string, options: { delimiter: boolean; limit?: number }): AsyncIterable<ObjectPage>;
  /** Deletes objects; missing ones are not an error. */
  protected abstract deleteObjects(bucket: string, keys: string[]): Promise<void>;
  /** Server-side copy; with `ifAbsent`, fails with `alreadyExists(uri)` if the destination exists. */
  protected abstract copyObject(source: ObjectLocation, destination: ObjectLocation, options: { ifAbsent: boolean; uri: string; size: number }): Promise<void>;
  /**
   * Whether the bucket exists; rejects (mapped) on bad credentials or an unreachable endpoint.
   * Implementations list one object under `prefix` rather than reading the bucket's metadata, so
   * credentials limited to objects (or to the store's prefix) pass.
   */
  protected abstract bucketExists(bucket: string, prefix?: string): Promise<boolean>;
  /** A human name for the service in messages, e.g. "S3". */
  protected abstract readonly serviceName: string;

  // ── paths ─────────────────────────────────────────────────────────────────
  /** Splits `scheme://bucket/a/b/` into the bucket and the normalized key `a/b`. */
  protected locate(uri: string): ObjectLocation {
    const scheme = this.supportedSchemes.find((s) => s !== "" && uri.startsWith(s));
    if (!scheme) {
      throw new ValidationError(`'${uri}' is not a path of artifact store '${this.name}' (${this.supportedSchemes.join(", ")}).`, {
        hint: `Use a path like '${this.supportedSchemes[0]}bucket/prefix'.`,
      });
    }
    const rest = uri.slice(scheme.length);
    const slash = rest.indexOf("/");
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (bucket === "") throw new ValidationError(`'${uri}' names no bucket.`, { hint: `Use a path like '${scheme}bucket/prefix'.` });
    const raw = slash === -1 ? "" : rest.slice(slash + 1);
    const normalized = raw === "" ? "" : nodePath.posix.normalize(raw).replace(/^\/+|\/+$/g, "");
    if (normalized === "." || normalized === "") return { bucket, key: "" };
    if (normalized.startsWith("..")) throw new ValidationError(`'${uri}' points outside its bucket.`, { hint: "Remove the '..' segments." });
    return { bucket, key: normalized };
  }

  private uriOf(bucket: string, key: string): string {
    const scheme = this.supportedSchemes.find((s) => s !== "")!;
    return `${scheme}${bucket}${key ? `/${key}` : ""}`;
  }

  // ── errors ────────────────────────────────────────────────────────────────
  protected notFound(uri: string): NotFoundError {
    return new NotFoundError(`No file or directory at '${uri}' in artifact store '${this.name}'.`, {
      hint: "Check the path; artifacts of deleted runs may have been removed.",
    });
  }

  protected alreadyExists(uri: string): ConflictError {
    return new ConflictError(`'${uri}' already exists in artifact store '${this.name}'.`, {
      hint: "Pass { overwrite: true } to replace it.",
    });
  }

  // ── the filesystem API ─────────────────────────────────────────────────────
  async openRead(uri: string): Promise<Readable> {
    const { bucket, key } = this.locate(uri);
    if (key === "") throw this.isDirectoryError(uri);
    return this.readObject(bucket, key);
  }

  async openWrite(uri: string, options: WriteOptions = {}): Promise<Writable> {
    const { bucket, key } = this.locate(uri);
    if (key === "") throw this.isDirectoryError(uri);
    const overwrite = options.overwrite ?? true;
    // Fail early in the common case; the conditional write settles races.
    if (!overwrite && (await this.headObject(bucket, key))) throw this.alreadyExists(uri);
    return this.writeObject(bucket, key, { ifAbsent: !overwrite, uri });
  }

  async exists(uri: string): Promise<boolean> {
    const { bucket, key } = this.locate(uri);
    if (key === "") return this.bucketExists(bucket);
    if (await this.headObject(bucket, key)) return true;
    return this.hasChildren(bucket, key);
  }

  async stat(uri: string): Promise<FileStat> {
    const { bucket, key } = this.locate(uri);
    if (key === "") {
      if (await this.bucketExists(bucket)) return { size: 0, isDirectory: true, modifiedAt: new Date(0) };
      throw this.notFound(uri);
    }
    const file = await this.headObject(bucket, key);
    if (file) return { size: file.size, isDirectory: false, modifiedAt: file.modifiedAt };
    const marker = await this.headObject(bucket, `${key}/`);
    if (marker) return { size: 0, isDirectory: true, modifiedAt: marker.modifiedAt };
    if (await this.hasChildren(bucket, key)) return { size: 0, isDirectory: true, modifiedAt: new Date(0) };
    throw this.notFound(uri);
  }

  async list(uri: string): Promise<string[]> {
    const { bucket, key } = this.locate(uri);
    const prefix = key === "" ? "" : `${key}/`;
    const names = new Set<string>();
    let sawMarker = false;
    for await (const page of this.listObjects(bucket, prefix, { delimiter: true })) {
      for (const p of page.prefixes) {
        const name = p.slice(prefix.length).replace(/\/+$/, "");
        if (name !== "") names.add(name);
      }
      for (const object of page.objects) {
        if (object.key === prefix) sawMarker = true;
        else if (!object.key.endsWith("/")) names.add(object.key.slice(prefix.length));
      }
    }
    if (names.size === 0 && !sawMarker && key !== "") {
      if (await this.headObject(bucket, key)) {
        throw new ValidationError(`'${uri}' is a file, not a directory.`, { hint: "List its parent directory instead." });
      }
      throw this.notFound(uri);
    }
    return [...names].sort();
  }

  async makedirs(uri: string): Promise<void> {
    const { bucket, key } = this.locate(uri);
    if (key === "") return;
    if (await this.headObject(bucket, `${key}/`)) return;
    if (await this.headObject(bucket, key)) {
      throw new ConflictError(`Cannot create directory '${uri}': a file exists at that path.`, { hint: "Remove the file or choose another path." });
    }
    const writer = await this.writeObject(bucket, `${key}/`, { ifAbsent: false, uri });
    await new Promise<void>((resolve, reject) => {
      writer.once("error", reject);
      writer.end(() => resolve());
    });
  }

  async remove(uri: string, options: { recursive?: boolean } = {}): Promise<void> {
    const { bucket, key } = this.locate(uri);
    if (key !== "" && (await this.headObject(bucket, key))) {
      await this.deleteObjects(bucket, [key]);
      return;
    }
    const prefix = key === "" ? "" : `${key}/`;
    const keys = (await this.objectsUnder(bucket, prefix)).map((o) => o.key);
    if (keys.length === 0) return;
    if (!options.recursive && keys.some((k) => k !== prefix)) {
      throw new ConflictError(`The directory '${uri}' is not empty.`, { hint: "Pass { recursive: true } to remove it with its contents." });
    }
    await this.deleteKeys(bucket, keys);
  }

  async rename(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    await this.transfer(source, destination, options, true);
  }

  async copy(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    await this.transfer(source, destination, options, false);
  }

  /** One listing of the whole tree instead of a `list` and `stat` per entry. */
  override async *walk(uri: string): AsyncGenerator<WalkEntry> {
    const { bucket, key } = this.locate(uri);
    const prefix = key === "" ? "" : `${key}/`;
    const tree = new Map<string, { dirs: Set<string>; files: Set<string> }>([["", { dirs: new Set(), files: new Set() }]]);
    const node = (path: string) => {
      let entry = tree.get(path);
      if (!entry) tree.set(path, (entry = { dirs: new Set(), files: new Set() }));
      return entry;
    };
    let found = false;
    for await (const page of this.listObjects(bucket, prefix, { delimiter: false })) {
      for (const object of page.objects) {
        found = true;
        const relative = object.key.slice(prefix.length);
        const isMarker = relative.endsWith("/");
        const segments = relative.split("/").filter((s) => s !== "");
        const fileName = isMarker ? undefined : segments.pop();
        let parent = "";
        for (const segment of segments) {
          node(parent).dirs.add(segment);
          parent = parent ? `${parent}/${segment}` : segment;
          node(parent);
        }
        if (fileName !== undefined) node(parent).files.add(fileName);
      }
    }
    if (!found && key !== "") {
      if (await this.headObject(bucket, key)) {
        throw new ValidationError(`'${uri}' is a file, not a directory.`, { hint: "Walk its parent directory instead." });
      }
      throw this.notFound(uri);
    }
    const base = uri.replace(/\/+$/, "");
    const visit = function* (this: ObjectArtifactStore<Config>, path: string): Generator<WalkEntry> {
      const entry = node(path);
      const dirs = [...entry.dirs].sort();
      yield { dir: path ? this.join(base, path) : base, dirs, files: [...entry.files].sort() };
      for (const dir of dirs) yield* visit.call(this, path ? `${path}/${dir}` : dir);
    };
    yield* visit.call(this, "");
  }

  /**
   * Checks before a run that the bucket is reachable with these credentials, so an unreachable
   * endpoint, bad credentials or a missing bucket fail the run before any step, in bounded time.
   */
  override async preparePipelineDeployment(_deployment: PipelineDeployment): Promise<void> {
    await this.checkAccess(ACCESS_CHECK_TIMEOUT_MS);
  }

  /** Bucket exists and answers; throws one clear ZenError otherwise. */
  async checkAccess(timeoutMs: number): Promise<void> {
    const { bucket, key } = this.locate(this.path);
    const exists = await withTimeout(
      this.bucketExists(bucket, key === "" ? "" : `${key}/`),
      timeoutMs,
      `${this.serviceName} bucket '${bucket}' of artifact store '${this.name}'`,
    );
    if (!exists) throw this.missingBucket(bucket);
  }

  protected get errorContext(): StoreErrorContext {
    return { service: this.serviceName, store: this.name };
  }

  protected missingBucket(bucket: string): NotFoundError {
    return bucketNotFoundError(this.errorContext, bucket, this.supportedSchemes.find((s) => s !== "") ?? "");
  }

  // ── helpers ───────────────────────────────────────────────────────────────
  private isDirectoryError(uri: string): ValidationError {
    return new ValidationError(`'${uri}' is a bucket root, not a file.`, { hint: "Name a file inside the bucket." });
  }

  private async hasChildren(bucket: string, key: string): Promise<boolean> {
    for await (const page of this.listObjects(bucket, `${key}/`, { delimiter: false, limit: 1 })) {
      if (page.objects.length > 0 || page.prefixes.length > 0) return true;
    }
    return false;
  }

  private async objectsUnder(bucket: string, prefix: string): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    for await (const page of this.listObjects(bucket, prefix, { delimiter: false })) objects.push(...page.objects);
    return objects;
  }

  private async deleteKeys(bucket: string, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) await this.deleteObjects(bucket, keys.slice(i, i + 1000));
  }

  /** copy (move = false) or rename (move = true) of a file or a directory tree. */
  private async transfer(source: string, destination: string, options: CopyOptions, move: boolean): Promise<void> {
    const from = this.locate(source);
    const to = this.locate(destination);
    const overwrite = options.overwrite ?? false;
    if (from.key === "" || to.key === "") {
      throw new ValidationError(`Cannot ${move ? "rename" : "copy"} a bucket root ('${from.key === "" ? source : destination}').`, {
        hint: "Name paths inside the buckets.",
      });
    }
    if (from.bucket === to.bucket && (to.key === from.key || to.key.startsWith(`${from.key}/`))) {
      throw new ValidationError(`Cannot ${move ? "rename" : "copy"} '${source}' into itself ('${destination}').`, {
        hint: "Choose a destination outside the source.",
      });
    }
    const file = await this.headObject(from.bucket, from.key);
    const tree = file ? [] : await this.objectsUnder(from.bucket, `${from.key}/`);
    if (!file && tree.length === 0) throw this.notFound(source);
    if (await this.exists(destination)) {
      if (!overwrite) throw this.alreadyExists(destination);
      // Like a local rename, the destination is replaced whole (a copy merges into it).
      if (move) await this.remove(destination, { recursive: true });
    }
    if (file) {
      await this.copyObject(from, to, { ifAbsent: !overwrite, uri: destination, size: file.size });
      if (move) await this.deleteObjects(from.bucket, [from.key]);
      return;
    }
    await parallel(tree, PARALLEL_REQUESTS, (object) =>
      this.copyObject(
        { bucket: from.bucket, key: object.key },
        { bucket: to.bucket, key: `${to.key}/${object.key.slice(from.key.length + 1)}` },
        { ifAbsent: false, uri: this.uriOf(to.bucket, `${to.key}/${object.key.slice(from.key.length + 1)}`), size: object.size },
      ),
    );
    if (move)
      await this.deleteKeys(
        from.bucket,
        tree.map((o) => o.key),
      );
  }
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure rejects. */
export async function parallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
