import nodePath from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline as streamPipeline } from "node:stream/promises";
import { ValidationError } from "../errors.ts";
import { StackComponent, type ComponentInit } from "../stack-component.ts";

export interface ArtifactStoreConfig extends Record<string, unknown> {
  path: string;
}

export interface FileStat {
  size: number;
  isDirectory: boolean;
  modifiedAt: Date;
}

/** One directory visited by `walk`: entry names, not full paths (like Python's `os.walk`). */
export interface WalkEntry {
  dir: string;
  dirs: string[];
  files: string[];
}

export interface WriteOptions {
  /** Replace an existing file; without it, writing to an existing path is a ConflictError. Default true. */
  overwrite?: boolean;
}

export interface CopyOptions {
  /** Replace an existing destination. Default false. */
  overwrite?: boolean;
}

/**
 * Storage for the artifacts a pipeline produces. Every path the store handles starts with one of
 * `supportedSchemes` (an empty string means local paths).
 *
 * The filesystem API is the same for every backend (local disk, S3, GCS): an implementation provides
 * the abstract primitives (streams, stat, list, makedirs, remove, rename, copy) and inherits the rest
 * (bytes/text helpers, walk, glob, join). `openWrite` must be atomic: readers see the old file or the
 * whole new one, never a partial write.
 */
export abstract class BaseArtifactStore<Config extends ArtifactStoreConfig = ArtifactStoreConfig> extends StackComponent<Config> {
  static override readonly componentType = "artifact_store" as const;
  /** e.g. `["s3://"]`; `[""]` accepts any local path. */
  static readonly supportedSchemes: readonly string[] = [];

  constructor(init: ComponentInit<Config>) {
    super(init);
    const schemes = this.supportedSchemes;
    const className = this.constructor.name;
    if (schemes.length === 0) {
      throw new ValidationError(`The artifact store implementation ${className} declares no supported schemes.`, {
        hint: `Set \`static supportedSchemes = ["s3://"]\` (or [""] for local paths) on ${className}.`,
      });
    }
    if (typeof init.config?.path !== "string" || init.config.path === "") {
      throw new ValidationError(`Artifact store '${init.name}' has no path.`, {
        hint: `Register it with a path, e.g. \`--path=${schemes[0] || "/data/artifacts"}…\`.`,
      });
    }
    if (!schemes.some((scheme) => init.config.path.startsWith(scheme))) {
      const supported = schemes.map((s) => `'${s}'`).join(", ");
      throw new ValidationError(
        `The path '${init.config.path}' of artifact store '${init.name}' does not start with a scheme that ${className} supports (${supported}).`,
        { hint: `Use a path like '${schemes[0]}bucket/prefix', or a flavor that supports this scheme.` },
      );
    }
  }

  get path(): string {
    return this.config.path;
  }

  get supportedSchemes(): readonly string[] {
    return (this.constructor as typeof BaseArtifactStore).supportedSchemes;
  }

  // ── primitives every backend implements ────────────────────────────────────
  abstract openRead(uri: string): Promise<Readable>;
  /** The file appears (atomically) when the stream finishes; a destroyed stream leaves nothing behind. */
  abstract openWrite(uri: string, options?: WriteOptions): Promise<Writable>;
  abstract exists(uri: string): Promise<boolean>;
  abstract stat(uri: string): Promise<FileStat>;
  /** Names of the entries of a directory, sorted. */
  abstract list(uri: string): Promise<string[]>;
  abstract makedirs(uri: string): Promise<void>;
  /** Removes a file, or a directory with `recursive`; a missing path is not an error. */
  abstract remove(uri: string, options?: { recursive?: boolean }): Promise<void>;
  abstract rename(source: string, destination: string, options?: CopyOptions): Promise<void>;
  /** Copies a file, or a directory tree. */
  abstract copy(source: string, destination: string, options?: CopyOptions): Promise<void>;

  // ── derived operations ─────────────────────────────────────────────────────
  async isDir(uri: string): Promise<boolean> {
    return (await this.exists(uri)) && (await this.stat(uri)).isDirectory;
  }

  async readBytes(uri: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(uri)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }

  async writeBytes(uri: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    await streamPipeline(Readable.from([data]), await this.openWrite(uri, options));
  }

  async readText(uri: string): Promise<string> {
    return (await this.readBytes(uri)).toString("utf8");
  }

  async writeText(uri: string, text: string, options?: WriteOptions): Promise<void> {
    await this.writeBytes(uri, Buffer.from(text, "utf8"), options);
  }

  /** Top-down traversal, like Python's `os.walk`. */
  async *walk(uri: string): AsyncGenerator<WalkEntry> {
    const dirs: string[] = [];
    const files: string[] = [];
    for (const name of await this.list(uri)) {
      ((await this.stat(this.join(uri, name))).isDirectory ? dirs : files).push(name);
    }
    yield { dir: uri, dirs, files };
    for (const name of dirs) yield* this.walk(this.join(uri, name));
  }

  /** Paths matching a pattern (`*`, `?`, `[abc]`, and `**` for any number of directories), sorted. */
  async glob(pattern: string): Promise<string[]> {
    const { base, hasMagic } = splitGlob(pattern);
    if (!hasMagic) return (await this.exists(pattern)) ? [pattern] : [];
    if (!(await this.isDir(base))) return [];
    const matcher = globToRegExp(pattern);
    const found: string[] = [];
    for await (const entry of this.walk(base)) {
      for (const name of [...entry.dirs, ...entry.files]) {
        const candidate = this.join(entry.dir, name);
        if (matcher.test(candidate)) found.push(candidate);
      }
    }
    return found.sort();
  }

  /** Joins path segments, keeping a URI scheme (`s3://bucket` + `a/b` → `s3://bucket/a/b`). */
  join(base: string, ...parts: string[]): string {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(base)?.[0];
    if (scheme) return scheme + nodePath.posix.join(base.slice(scheme.length), ...parts);
    return nodePath.join(base, ...parts);
  }
}

function splitGlob(pattern: string): { base: string; hasMagic: boolean } {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(pattern)?.[0] ?? "";
  const segments = pattern.slice(scheme.length).split("/");
  const firstMagic = segments.findIndex((s) => /[*?[]/.test(s));
  if (firstMagic === -1) return { base: pattern, hasMagic: false };
  const base = segments.slice(0, firstMagic).join("/");
  if (scheme) return { base: scheme + base, hasMagic: true };
  // "/*.txt" searches the root, "*.txt" the working directory.
  return { base: base !== "" ? base : pattern.startsWith("/") ? "/" : ".", hasMagic: true };
}

/** `**` spans directories, `*` and `?` stay inside one path segment. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const slashAfter = pattern[i + 2] === "/";
        source += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else source += "[^/]*";
    } else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) source += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        source += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
