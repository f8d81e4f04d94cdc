/**
 * Materializers turn step outputs into files in the artifact store and back. Built in: bytes
 * (`Uint8Array`/`Buffer`), strings and JSON values; users register their own for their types.
 * The registry lives on `globalThis` so two copies of @zen/core in one process share it.
 */
import { createHash } from "node:crypto";
import { Writable, type Readable } from "node:stream";
import type { BaseArtifactStore } from "../components/artifact-store.ts";
import { ValidationError, ZenError } from "../errors.ts";
import { sha256 } from "./hashing.ts";

/** What a materializer works with: the artifact's directory in the store, and file helpers that hash as they write. */
export interface MaterializerContext {
  store: BaseArtifactStore;
  /** The artifact's directory (exists when `write` is called). */
  uri: string;
  writeFile(name: string, data: Uint8Array | string): Promise<void>;
  /** A stream for large files; the file is hashed as it is written. */
  openWrite(name: string): Promise<Writable>;
  readFile(name: string): Promise<Buffer>;
  openRead(name: string): Promise<Readable>;
}

export interface Materializer<T = unknown> {
  /** Recorded with every artifact and used to find the materializer again when reading. */
  readonly name: string;
  /** Whether this materializer stores `value`. Newer registrations are asked first. */
  canHandle(value: unknown): boolean;
  /** A label of the value's runtime type, recorded with the artifact and passed back to `read`. */
  dataType?(value: T): string;
  /** Writes `value` with `ctx.writeFile`/`ctx.openWrite` (so its content hash is computed on the way). */
  write(value: T, ctx: MaterializerContext): Promise<void>;
  read(ctx: MaterializerContext, dataType: string): Promise<T>;
}

export function defineMaterializer<T>(materializer: Materializer<T>): Materializer<T> {
  if (!/^[A-Za-z0-9_.@/-]+$/.test(materializer.name)) {
    throw new ValidationError(`Invalid materializer name '${materializer.name}'.`, {
      hint: "Use letters, digits and . _ - / @, e.g. 'my-package.matrix'.",
    });
  }
  return materializer;
}

// ── built-in materializers ────────────────────────────────────────────────────

export const bytesMaterializer = defineMaterializer<Uint8Array>({
  name: "zen.bytes",
  canHandle: (value) => value instanceof Uint8Array,
  dataType: (value) => (Buffer.isBuffer(value) ? "Buffer" : "Uint8Array"),
  write: (value, ctx) => ctx.writeFile("data.bin", value),
  async read(ctx, dataType) {
    const data = await ctx.readFile("data.bin");
    return dataType === "Buffer" ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  },
});

export const stringMaterializer = defineMaterializer<string>({
  name: "zen.string",
  canHandle: (value) => typeof value === "string",
  dataType: () => "string",
  write: (value, ctx) => ctx.writeFile("data.txt", value),
  read: async (ctx) => (await ctx.readFile("data.txt")).toString("utf8"),
});

export const jsonMaterializer = defineMaterializer<unknown>({
  name: "zen.json",
  canHandle: isJsonValue,
  dataType: (value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value),
  write: (value, ctx) => ctx.writeFile("data.json", JSON.stringify(value)),
  read: async (ctx) => JSON.parse((await ctx.readFile("data.json")).toString("utf8")) as unknown,
});

/**
 * Values that survive a JSON round trip unchanged: plain objects, arrays, finite numbers, strings,
 * booleans, null. Dates, Maps, class instances, `undefined` members and cycles do not.
 */
export function isJsonValue(value: unknown, seen: Set<object> = new Set()): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      let ok: boolean;
      if (Array.isArray(value)) ok = value.every((item) => isJsonValue(item, seen));
      else {
        const proto = Object.getPrototypeOf(value) as unknown;
        ok = (proto === Object.prototype || proto === null) && Object.values(value as Record<string, unknown>).every((item) => isJsonValue(item, seen));
      }
      seen.delete(value);
      return ok;
    }
    default:
      return false;
  }
}

// ── registry ──────────────────────────────────────────────────────────────────

const BUILT_IN: readonly Materializer[] = [bytesMaterializer as Materializer, stringMaterializer as Materializer, jsonMaterializer];
const REGISTRY_KEY = Symbol.for("@zen/core.materializers");

function userMaterializers(): Map<string, Materializer> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Materializer> | undefined>;
  return (holder[REGISTRY_KEY] ??= new Map());
}

/**
 * Registers a materializer for your own types. It is consulted before the built-in ones (newest
 * first); registering the same name again replaces the earlier one.
 */
export function registerMaterializer<T>(materializer: Materializer<T>): void {
  if (BUILT_IN.some((m) => m.name === materializer.name)) {
    throw new ValidationError(`The materializer name '${materializer.name}' is reserved for a built-in materializer.`, {
      hint: "Choose a name of your own, e.g. 'my-package.matrix'.",
    });
  }
  const registry = userMaterializers();
  registry.delete(materializer.name);
  registry.set(materializer.name, materializer as Materializer);
}

export function unregisterMaterializer(name: string): boolean {
  return userMaterializers().delete(name);
}

export function findMaterializer(name: string): Materializer | undefined {
  return userMaterializers().get(name) ?? BUILT_IN.find((m) => m.name === name);
}

/** The materializer for a value: user-registered ones first (newest first), then bytes, strings, JSON. */
export function selectMaterializer(value: unknown, what: string): Materializer {
  const users = [...userMaterializers().values()].reverse();
  for (const materializer of [...users, ...BUILT_IN]) {
    if (materializer.canHandle(value)) return materializer;
  }
  throw new ZenError(`No materializer can store ${what}: ${describeValue(value)} is not JSON data, a string or bytes.`, {
    code: "ZEN_NO_MATERIALIZER",
    hint: "Return plain JSON data, a string or a Uint8Array, or register a materializer for this type with registerMaterializer().",
  });
}

function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "object" && value !== null) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    if (name && name !== "Object" && name !== "Array") return `a ${name}`;
    return Array.isArray(value) ? "an array holding non-JSON values" : "an object holding non-JSON values";
  }
  return `a ${typeof value}${typeof value === "number" ? ` (${String(value)})` : ""}`;
}

// ── the context given to materializers ────────────────────────────────────────

/**
 * Small files a run wrote, by full path: a downstream step of the same run reads its inputs from here
 * instead of the store (the same bytes, through the same materializer, without the I/O).
 */
export class RecentFiles {
  static readonly MAX_FILE_BYTES = 256 * 1024;
  static readonly MAX_TOTAL_BYTES = 32 * 1024 * 1024;
  readonly #files = new Map<string, Buffer>();
  #total = 0;

  remember(path: string, data: Uint8Array): void {
    if (data.byteLength > RecentFiles.MAX_FILE_BYTES) return;
    this.#files.set(path, Buffer.from(data));
    this.#total += data.byteLength;
    // Forget the oldest files first (Map keeps insertion order).
    for (const [oldest, bytes] of this.#files) {
      if (this.#total <= RecentFiles.MAX_TOTAL_BYTES) break;
      this.#files.delete(oldest);
      this.#total -= bytes.byteLength;
    }
  }

  get(path: string): Buffer | undefined {
    return this.#files.get(path);
  }
}

/** A context that records the hash of every file written through it. */
export function createMaterializerContext(
  store: BaseArtifactStore,
  uri: string,
  recent?: RecentFiles,
): MaterializerContext & { writtenFiles: { path: string; sha256: string }[] } {
  const writtenFiles: { path: string; sha256: string }[] = [];
  return {
    store,
    uri,
    writtenFiles,
    async writeFile(name, data) {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      const path = store.join(uri, name);
      await store.writeBytes(path, bytes);
      writtenFiles.push({ path: name, sha256: sha256(bytes) });
      recent?.remember(path, bytes);
    },
    async openWrite(name) {
      const target = await store.openWrite(store.join(uri, name));
      const hash = createHash("sha256");
      const tap: Writable = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          if (target.write(chunk)) callback();
          else target.once("drain", () => callback());
        },
        // Finishing waits for the target's atomic commit, so the file exists once the caller's write resolves.
        final(callback) {
          target.once("finish", () => {
            writtenFiles.push({ path: name, sha256: hash.digest("hex") });
            callback();
          });
          target.end();
        },
        destroy(error, callback) {
          if (!target.destroyed) target.destroy(error ?? undefined);
          callback(error);
        },
      });
      target.on("error", (error) => tap.destroy(error));
      return tap;
    },
    async readFile(name) {
      const path = store.join(uri, name);
      // A copy, so a materializer that changes the buffer cannot change what the next reader gets.
      const cached = recent?.get(path);
      return cached ? Buffer.from(cached) : store.readBytes(path);
    },
    openRead: (name) => store.openRead(store.join(uri, name)),
  };
}
