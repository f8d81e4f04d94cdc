/**
 * The conformance suite every artifact store runs (local, s3, gcs, and third parties' stores):
 * the whole filesystem API against a real backend, including missing paths as NotFoundErrors,
 * atomic and concurrent writes, and a large streamed write and read in bounded memory.
 *
 *   describeArtifactStoreConformance("s3", async () => ({ store, root: "s3://bucket/run-1", cleanup }));
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { BaseArtifactStore, WalkEntry } from "../components/artifact-store.ts";

const MiB = 1024 * 1024;

export interface ArtifactStoreFixture {
  store: BaseArtifactStore;
  /** A directory path in the store that the suite may fill (it need not exist yet); unique per run. */
  root: string;
  /** Called once after the suite, e.g. to delete the bucket. */
  cleanup?: () => Promise<void>;
}

export interface ArtifactStoreConformanceOptions {
  /**
   * Size of the streamed large-file test (default 200 MiB). `ZEN_CONFORMANCE_LARGE_MB` shrinks it
   * for quick local runs; under CI (`CI` set) it is never below 200 MiB.
   */
  largeFileBytes?: number;
  /** How much the process's RSS may grow while the large file streams (default 128 MiB). */
  maxRssGrowthBytes?: number;
  /** Per-test timeout (default 60 s); the large-file test gets `largeFileTimeoutMs` (default 10 min). */
  timeoutMs?: number;
  largeFileTimeoutMs?: number;
  /** Writers in the concurrency tests (default 8). */
  concurrentWriters?: number;
}

/** The size the large-file test uses under these options and this environment. */
export function largeFileSize(options: ArtifactStoreConformanceOptions = {}, env: NodeJS.ProcessEnv = process.env): number {
  const ciMinimum = 200 * MiB;
  let size = options.largeFileBytes ?? ciMinimum;
  const override = Number(env.ZEN_CONFORMANCE_LARGE_MB);
  if (env.ZEN_CONFORMANCE_LARGE_MB && Number.isFinite(override) && override > 0) size = Math.round(override * MiB);
  if (env.CI && env.CI !== "false" && env.CI !== "0") size = Math.max(size, ciMinimum);
  return size;
}

/** `size` bytes of incompressible data in 1 MiB chunks; every chunk differs (its index is stamped in). */
export async function* generatedBytes(size: number, seed: Buffer = randomBytes(MiB)): AsyncGenerator<Buffer> {
  for (let offset = 0, index = 0; offset < size; offset += MiB, index++) {
    const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, size - offset)));
    if (chunk.length >= 8) chunk.writeBigUInt64BE(BigInt(index), 0);
    yield chunk;
  }
}

/** Runs `action` while sampling RSS; returns its result and the peak growth over the starting RSS. */
export async function measureRssGrowth<T>(action: () => Promise<T>): Promise<{ result: T; peakGrowthBytes: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  try {
    const result = await action();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakGrowthBytes: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown })?.code;
}

async function expectCode(promise: Promise<unknown>, code: string, mentions?: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeDefined();
  expect({ code: errorCode(caught), message: (caught as Error).message }).toMatchObject({ code });
  if (mentions) expect((caught as Error).message).toContain(mentions);
}

async function writeStream(store: BaseArtifactStore, uri: string, chunks: Iterable<Buffer> | AsyncIterable<Buffer>, overwrite?: boolean): Promise<void> {
  const writer = await store.openWrite(uri, overwrite === undefined ? undefined : { overwrite });
  await pipeline(Readable.from(chunks), writer);
}

async function sha256Of(source: AsyncIterable<Buffer | Uint8Array | string>): Promise<{ hash: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { hash: hash.digest("hex"), bytes };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the conformance tests for the store `makeStore` returns (called once, in `beforeAll`). */
export function describeArtifactStoreConformance(
  name: string,
  makeStore: () => Promise<ArtifactStoreFixture>,
  options: ArtifactStoreConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const writers = options.concurrentWriters ?? 8;

  describe(`artifact store conformance: ${name}`, () => {
    let fixture: ArtifactStoreFixture | undefined;
    let store: BaseArtifactStore;
    let root: string;
    const at = (...parts: string[]) => store.join(root, ...parts);

    beforeAll(async () => {
      fixture = await makeStore();
      store = fixture.store;
      root = fixture.root;
    }, timeout);

    afterAll(async () => {
      if (!fixture) return;
      try {
        await fixture.store.remove(fixture.root, { recursive: true });
      } finally {
        await fixture.cleanup?.();
      }
    }, timeout * 5);

    it(
      "writes and reads bytes, text, empty files and streams",
      async () => {
        const bytes = randomBytes(70_000);
        await store.writeBytes(at("rw", "data.bin"), bytes);
        expect((await store.readBytes(at("rw", "data.bin"))).equals(bytes)).toBe(true);

        await store.writeText(at("rw", "text.txt"), "héllo wörld ✓\n");
        expect(await store.readText(at("rw", "text.txt"))).toBe("héllo wörld ✓\n");

        await store.writeBytes(at("rw", "empty"), new Uint8Array(0));
        expect((await store.readBytes(at("rw", "empty"))).length).toBe(0);
        expect(await store.exists(at("rw", "empty"))).toBe(true);

        const chunks = [randomBytes(1000), randomBytes(65_536), randomBytes(3)];
        await writeStream(store, at("rw", "streamed.bin"), chunks);
        const read = await sha256Of(await store.openRead(at("rw", "streamed.bin")));
        expect(read).toEqual(await sha256Of(Readable.from(chunks)));

        await store.writeText(at("rw", "text.txt"), "replaced");
        expect(await store.readText(at("rw", "text.txt"))).toBe("replaced");
      },
      timeout,
    );

    it(
      "refuses to overwrite when told not to, leaving the file intact",
      async () => {
        await store.writeText(at("no-overwrite", "f.txt"), "first");
        await expectCode(store.writeText(at("no-overwrite", "f.txt"), "second", { overwrite: false }), "ZEN_CONFLICT");
        await expectCode((async () => writeStream(store, at("no-overwrite", "f.txt"), [Buffer.from("third")], false))(), "ZEN_CONFLICT");
        expect(await store.readText(at("no-overwrite", "f.txt"))).toBe("first");
        await store.writeText(at("no-overwrite", "new.txt"), "fresh", { overwrite: false });
        expect(await store.readText(at("no-overwrite", "new.txt"))).toBe("fresh");
      },
      timeout,
    );

    it(
      "tells files, directories and missing paths apart (exists, stat, isDir)",
      async () => {
        const before = Date.now();
        await store.writeBytes(at("stat", "sub", "file.bin"), randomBytes(1234));
        expect(await store.exists(at("stat", "sub", "file.bin"))).toBe(true);
        expect(await store.exists(at("stat", "sub"))).toBe(true);
        expect(await store.exists(at("stat"))).toBe(true);
        expect(await store.exists(at("stat", "missing"))).toBe(false);
        expect(await store.exists(at("stat", "su"))).toBe(false);

        const file = await store.stat(at("stat", "sub", "file.bin"));
        expect(file.size).toBe(1234);
        expect(file.isDirectory).toBe(false);
        // (Not instanceof: Jest runs tests in another realm than Node's own Dates.)
        expect(Object.prototype.toString.call(file.modifiedAt)).toBe("[object Date]");
        expect(Math.abs(file.modifiedAt.getTime() - before)).toBeLessThan(15 * 60_000);

        expect((await store.stat(at("stat", "sub"))).isDirectory).toBe(true);
        expect(await store.isDir(at("stat", "sub"))).toBe(true);
        expect(await store.isDir(at("stat", "sub", "file.bin"))).toBe(false);
        expect(await store.isDir(at("stat", "missing"))).toBe(false);
      },
      timeout,
    );

    it(
      "lists the direct children of a directory, sorted and without duplicates",
      async () => {
        await store.writeText(at("list", "b.txt"), "b");
        await store.writeText(at("list", "a.txt"), "a");
        await store.writeText(at("list", "dir", "x.txt"), "x");
        await store.writeText(at("list", "dir", "y.txt"), "y");
        await store.writeText(at("list", "dir2", "deep", "z.txt"), "z");
        expect(await store.list(at("list"))).toEqual(["a.txt", "b.txt", "dir", "dir2"]);
        expect(await store.list(at("list", "dir"))).toEqual(["x.txt", "y.txt"]);
        expect(await store.list(at("list", "dir2"))).toEqual(["deep"]);
      },
      timeout,
    );

    it(
      "makes directories, nested and idempotently, which stay when empty",
      async () => {
        await store.makedirs(at("dirs", "x", "y", "z"));
        await store.makedirs(at("dirs", "x", "y", "z"));
        expect(await store.exists(at("dirs", "x", "y", "z"))).toBe(true);
        expect(await store.isDir(at("dirs", "x", "y", "z"))).toBe(true);
        expect(await store.isDir(at("dirs", "x"))).toBe(true);
        expect(await store.list(at("dirs", "x", "y", "z"))).toEqual([]);
        expect(await store.list(at("dirs", "x"))).toEqual(["y"]);
        await store.writeText(at("dirs", "x", "y", "z", "f.txt"), "in a made dir");
        expect(await store.list(at("dirs", "x", "y", "z"))).toEqual(["f.txt"]);
      },
      timeout,
    );

    it(
      "walks a tree top-down, like os.walk",
      async () => {
        await store.writeText(at("walk", "a.txt"), "a");
        await store.writeText(at("walk", "sub", "b.txt"), "b");
        await store.writeText(at("walk", "sub", "deeper", "c.bin"), "c");
        await store.makedirs(at("walk", "empty"));
        const entries: WalkEntry[] = [];
        for await (const entry of store.walk(at("walk"))) entries.push(entry);
        expect(entries).toEqual([
          { dir: at("walk"), dirs: ["empty", "sub"], files: ["a.txt"] },
          { dir: at("walk", "empty"), dirs: [], files: [] },
          { dir: at("walk", "sub"), dirs: ["deeper"], files: ["b.txt"] },
          { dir: at("walk", "sub", "deeper"), dirs: [], files: ["c.bin"] },
        ]);
      },
      timeout,
    );

    it(
      "globs with *, ?, [..] and **",
      async () => {
        for (const file of ["a.txt", "b.txt", "c.md", "x.json", "sub/c.txt", "sub/deep/d.txt", "sub/deep/e.json"]) {
          await store.writeText(at("glob", ...file.split("/")), file);
        }
        expect(await store.glob(at("glob", "*.txt"))).toEqual([at("glob", "a.txt"), at("glob", "b.txt")]);
        expect(await store.glob(at("glob", "**", "*.txt"))).toEqual(
          [at("glob", "a.txt"), at("glob", "b.txt"), at("glob", "sub", "c.txt"), at("glob", "sub", "deep", "d.txt")].sort(),
        );
        expect(await store.glob(at("glob", "?.json"))).toEqual([at("glob", "x.json")]);
        expect(await store.glob(at("glob", "[ab].txt"))).toEqual([at("glob", "a.txt"), at("glob", "b.txt")]);
        expect(await store.glob(at("glob", "sub", "*", "*.json"))).toEqual([at("glob", "sub", "deep", "e.json")]);
        expect(await store.glob(at("glob", "sub"))).toEqual([at("glob", "sub")]);
        expect(await store.glob(at("glob", "nothing*"))).toEqual([]);
        expect(await store.glob(at("glob-missing", "*.txt"))).toEqual([]);
      },
      timeout,
    );

    it(
      "removes files and directories; a non-empty directory only recursively",
      async () => {
        await store.writeText(at("remove", "f.txt"), "f");
        await store.remove(at("remove", "f.txt"));
        expect(await store.exists(at("remove", "f.txt"))).toBe(false);
        await store.remove(at("remove", "never-existed"));

        await store.writeText(at("remove", "tree", "a.txt"), "a");
        await store.writeText(at("remove", "tree", "sub", "b.txt"), "b");
        await expect(store.remove(at("remove", "tree"))).rejects.toThrow();
        expect(await store.readText(at("remove", "tree", "a.txt"))).toBe("a");
        await store.remove(at("remove", "tree"), { recursive: true });
        expect(await store.exists(at("remove", "tree"))).toBe(false);
        expect(await store.exists(at("remove", "tree", "sub", "b.txt"))).toBe(false);

        await store.makedirs(at("remove", "empty"));
        await store.remove(at("remove", "empty"));
        expect(await store.exists(at("remove", "empty"))).toBe(false);
      },
      timeout,
    );

    it(
      "renames files and directories, with and without overwrite",
      async () => {
        await store.writeText(at("rename", "src.txt"), "source");
        await store.rename(at("rename", "src.txt"), at("rename", "moved", "dst.txt"));
        expect(await store.exists(at("rename", "src.txt"))).toBe(false);
        expect(await store.readText(at("rename", "moved", "dst.txt"))).toBe("source");

        await store.writeText(at("rename", "other.txt"), "other");
        await expectCode(store.rename(at("rename", "other.txt"), at("rename", "moved", "dst.txt")), "ZEN_CONFLICT");
        expect(await store.readText(at("rename", "other.txt"))).toBe("other");
        expect(await store.readText(at("rename", "moved", "dst.txt"))).toBe("source");
        await store.rename(at("rename", "other.txt"), at("rename", "moved", "dst.txt"), { overwrite: true });
        expect(await store.readText(at("rename", "moved", "dst.txt"))).toBe("other");
        expect(await store.exists(at("rename", "other.txt"))).toBe(false);

        await store.writeText(at("rename", "dir", "a.txt"), "a");
        await store.writeText(at("rename", "dir", "sub", "b.txt"), "b");
        await store.rename(at("rename", "dir"), at("rename", "dir2"));
        expect(await store.exists(at("rename", "dir"))).toBe(false);
        expect(await store.list(at("rename", "dir2"))).toEqual(["a.txt", "sub"]);
        expect(await store.readText(at("rename", "dir2", "sub", "b.txt"))).toBe("b");
      },
      timeout,
    );

    it(
      "copies files and directories, with and without overwrite",
      async () => {
        await store.writeText(at("copy", "src.txt"), "source");
        await store.copy(at("copy", "src.txt"), at("copy", "out", "dst.txt"));
        expect(await store.readText(at("copy", "src.txt"))).toBe("source");
        expect(await store.readText(at("copy", "out", "dst.txt"))).toBe("source");

        await store.writeText(at("copy", "other.txt"), "other");
        await expectCode(store.copy(at("copy", "other.txt"), at("copy", "out", "dst.txt")), "ZEN_CONFLICT");
        expect(await store.readText(at("copy", "out", "dst.txt"))).toBe("source");
        await store.copy(at("copy", "other.txt"), at("copy", "out", "dst.txt"), { overwrite: true });
        expect(await store.readText(at("copy", "out", "dst.txt"))).toBe("other");

        await store.writeText(at("copy", "dir", "a.txt"), "a");
        await store.writeText(at("copy", "dir", "sub", "b.txt"), "b");
        await store.copy(at("copy", "dir"), at("copy", "dir2"));
        expect(await store.list(at("copy", "dir"))).toEqual(["a.txt", "sub"]);
        expect(await store.list(at("copy", "dir2"))).toEqual(["a.txt", "sub"]);
        expect(await store.readText(at("copy", "dir2", "sub", "b.txt"))).toBe("b");
        await expectCode(store.copy(at("copy", "dir"), at("copy", "dir2")), "ZEN_CONFLICT");
        await store.writeText(at("copy", "dir", "a.txt"), "a2");
        await store.copy(at("copy", "dir"), at("copy", "dir2"), { overwrite: true });
        expect(await store.readText(at("copy", "dir2", "a.txt"))).toBe("a2");
      },
      timeout,
    );

    it(
      "handles unicode and spaces in keys",
      async () => {
        const dir = "dönnées ü 名前";
        const file = "a file with spaces & symbols (1) + % #.txt";
        await store.writeText(at("unicode", dir, file), "ünïcødé");
        expect(await store.exists(at("unicode", dir, file))).toBe(true);
        expect(await store.readText(at("unicode", dir, file))).toBe("ünïcødé");
        expect(await store.list(at("unicode"))).toEqual([dir]);
        expect(await store.list(at("unicode", dir))).toEqual([file]);
        expect(await store.glob(at("unicode", "*", "*.txt"))).toEqual([at("unicode", dir, file)]);
        await store.copy(at("unicode", dir, file), at("unicode", dir, `copy of ${file}`));
        await store.rename(at("unicode", dir, `copy of ${file}`), at("unicode", "名前 2", file));
        expect(await store.readText(at("unicode", "名前 2", file))).toBe("ünïcødé");
        expect((await store.stat(at("unicode", "名前 2", file))).size).toBe(Buffer.byteLength("ünïcødé"));
      },
      timeout,
    );

    it(
      "reports missing paths as NotFoundError naming the path",
      async () => {
        const missing = at("missing", "nothing here.bin");
        await expectCode(store.openRead(missing), "ZEN_NOT_FOUND", missing);
        await expectCode(store.readBytes(missing), "ZEN_NOT_FOUND", missing);
        await expectCode(store.stat(missing), "ZEN_NOT_FOUND", missing);
        await expectCode(store.list(at("missing", "no-dir")), "ZEN_NOT_FOUND", at("missing", "no-dir"));
        await expectCode(store.rename(missing, at("missing", "to")), "ZEN_NOT_FOUND", missing);
        await expectCode(store.copy(missing, at("missing", "to")), "ZEN_NOT_FOUND", missing);
      },
      timeout,
    );

    it(
      "writes atomically: nothing is visible before the end, and a destroyed writer leaves nothing",
      async () => {
        await store.writeText(at("atomic", "existing.txt"), "old");
        const replacing = await store.openWrite(at("atomic", "existing.txt"));
        const fresh = await store.openWrite(at("atomic", "fresh.bin"));
        for (const writer of [replacing, fresh]) {
          await new Promise<void>((resolve, reject) => writer.write(randomBytes(100_000), (error) => (error ? reject(error) : resolve())));
        }
        await delay(50);
        expect(await store.readText(at("atomic", "existing.txt"))).toBe("old");
        expect(await store.exists(at("atomic", "fresh.bin"))).toBe(false);
        await Promise.all([replacing, fresh].map((writer) => destroyed(writer)));
        expect(await store.readText(at("atomic", "existing.txt"))).toBe("old");
        expect(await store.exists(at("atomic", "fresh.bin"))).toBe(false);
        expect(await store.list(at("atomic"))).toEqual(["existing.txt"]);
      },
      timeout,
    );

    it(
      `lets ${writers} concurrent writers each land whole`,
      async () => {
        const payloads = Array.from({ length: writers }, (_, i) => [randomBytes(40_000), Buffer.from(`writer ${i}`), randomBytes(30_000)]);
        const whole = payloads.map((chunks) => Buffer.concat(chunks));
        const slowly = async function* (chunks: Buffer[]) {
          for (const chunk of chunks) {
            yield chunk;
            await delay(5);
          }
        };
        // Different keys: all land.
        await Promise.all(payloads.map((chunks, i) => writeStream(store, at("concurrent", "distinct", `f${i}.bin`), slowly(chunks))));
        for (let i = 0; i < writers; i++) expect((await store.readBytes(at("concurrent", "distinct", `f${i}.bin`))).equals(whole[i]!)).toBe(true);
        expect((await store.list(at("concurrent", "distinct"))).length).toBe(writers);

        // One key, overwriting: the result is exactly one writer's bytes, never a mix.
        await Promise.all(payloads.map((chunks) => writeStream(store, at("concurrent", "same.bin"), slowly(chunks))));
        const final = await store.readBytes(at("concurrent", "same.bin"));
        expect(whole.some((w) => w.equals(final))).toBe(true);

        // One new key, without overwrite: exactly one writer wins, the others get a ConflictError.
        const outcomes = await Promise.allSettled(payloads.map((chunks) => writeStream(store, at("concurrent", "exclusive.bin"), slowly(chunks), false)));
        const winners = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) if (outcome.status === "rejected") expect(errorCode(outcome.reason)).toBe("ZEN_CONFLICT");
        expect((await store.readBytes(at("concurrent", "exclusive.bin"))).equals(whole[winners[0]!]!)).toBe(true);
      },
      timeout * 2,
    );

    const size = largeFileSize(options);
    const maxGrowth = options.maxRssGrowthBytes ?? 128 * MiB;
    it(
      `streams a ${Math.round(size / MiB)} MiB file in and out with RSS growth under ${Math.round(maxGrowth / MiB)} MiB`,
      async () => {
        const uri = at("large", "big.bin");
        const seed = randomBytes(MiB);
        const written = await measureRssGrowth(async () => {
          const source = await sha256Of(generatedBytes(size, seed));
          await writeStream(store, uri, generatedBytes(size, seed));
          return source;
        });
        expect((await store.stat(uri)).size).toBe(size);
        const read = await measureRssGrowth(async () => sha256Of(await store.openRead(uri)));
        expect(read.result).toEqual(written.result);
        expect(written.peakGrowthBytes).toBeLessThan(maxGrowth);
        expect(read.peakGrowthBytes).toBeLessThan(maxGrowth);
        await store.remove(uri);
      },
      options.largeFileTimeoutMs ?? 10 * 60_000,
    );
  });
}

/** Destroys a writer mid-stream and waits until it has cleaned up. */
async function destroyed(writer: Writable): Promise<void> {
  await new Promise<void>((resolve) => {
    writer.once("close", () => resolve());
    writer.once("error", () => {});
    writer.destroy(new Error("cancelled by the conformance test"));
  });
}
