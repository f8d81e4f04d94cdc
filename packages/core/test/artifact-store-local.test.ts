import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { once } from "node:events";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { ConflictError, LocalArtifactStore, NotFoundError, ValidationError, globToRegExp } from "../src/index.ts";

function store(root = makeTempDir("zen-store-")) {
  return new LocalArtifactStore({ id: "s", name: "local", flavor: "local", config: { path: root }, configDir: root });
}

describe("LocalArtifactStore", () => {
  it("writes and reads bytes and text, creating directories", async () => {
    const s = store();
    const file = s.join(s.path, "a", "b", "data.bin");
    await s.writeBytes(file, new Uint8Array([1, 2, 3]));
    expect(Array.from(await s.readBytes(file))).toEqual([1, 2, 3]);
    await s.writeText(s.join(s.path, "note.txt"), "héllo");
    expect(await s.readText(s.join(s.path, "note.txt"))).toBe("héllo");
    expect(await s.exists(file)).toBe(true);
    expect(await s.isDir(s.join(s.path, "a"))).toBe(true);
    expect(await s.isDir(file)).toBe(false);
    expect(await s.stat(file)).toMatchObject({ size: 3, isDirectory: false });
    // No temp files left behind.
    expect(readdirSync(path.join(s.path, "a", "b"))).toEqual(["data.bin"]);
  });

  it("streams: the file appears only when the write stream finishes, and not at all when it is destroyed", async () => {
    const s = store();
    const file = s.join(s.path, "stream.txt");
    const out = await s.openWrite(file);
    out.write("part one, ");
    expect(await s.exists(file)).toBe(false);
    out.end("part two");
    await once(out, "finish");
    expect(await s.readText(file)).toBe("part one, part two");

    const chunks: string[] = [];
    for await (const chunk of await s.openRead(file)) chunks.push(chunk.toString());
    expect(chunks.join("")).toBe("part one, part two");

    const aborted = s.join(s.path, "aborted.txt");
    const broken = await s.openWrite(aborted);
    broken.write("half");
    broken.destroy();
    await once(broken, "close");
    expect(await s.exists(aborted)).toBe(false);
    expect(readdirSync(s.path).sort()).toEqual(["stream.txt"]);
  });

  it("refuses to overwrite unless asked, for bytes, streams, renames and copies", async () => {
    const s = store();
    const file = s.join(s.path, "x.txt");
    await s.writeText(file, "one");
    await expect(s.writeText(file, "two", { overwrite: false })).rejects.toThrow(ConflictError);
    const out = await s.openWrite(s.join(s.path, "y.txt"), { overwrite: false });
    await s.writeText(s.join(s.path, "y.txt"), "raced in");
    out.end("late");
    const [error] = (await once(out, "error")) as [Error];
    expect(error).toBeInstanceOf(ConflictError);
    expect(await s.readText(s.join(s.path, "y.txt"))).toBe("raced in");
    await expect(s.openWrite(file, { overwrite: false })).rejects.toThrow("already exists in the artifact store");
    await s.writeText(file, "three");
    expect(await s.readText(file)).toBe("three");

    await expect(s.rename(file, s.join(s.path, "y.txt"))).rejects.toThrow(ConflictError);
    await s.rename(file, s.join(s.path, "y.txt"), { overwrite: true });
    expect(await s.exists(file)).toBe(false);
    expect(await s.readText(s.join(s.path, "y.txt"))).toBe("three");

    await s.writeText(s.join(s.path, "z.txt"), "zed");
    await expect(s.copy(s.join(s.path, "z.txt"), s.join(s.path, "y.txt"))).rejects.toThrow(ConflictError);
    await s.copy(s.join(s.path, "z.txt"), s.join(s.path, "y.txt"), { overwrite: true });
    expect(await s.readText(s.join(s.path, "y.txt"))).toBe("zed");
    expect(await s.readText(s.join(s.path, "z.txt"))).toBe("zed");
  });

  it("lists, walks, globs, copies and removes directory trees", async () => {
    const s = store();
    for (const name of ["a/one.json", "a/two.txt", "a/deep/three.json", "b/four.json", "c1.txt", "c2.txt", "cx.txt"]) {
      await s.writeText(s.join(s.path, name), name);
    }
    expect(await s.list(s.path)).toEqual(["a", "b", "c1.txt", "c2.txt", "cx.txt"]);
    const walked: string[] = [];
    for await (const entry of s.walk(s.path)) walked.push(`${path.relative(s.path, entry.dir) || "."}: ${entry.dirs.join(",")} | ${entry.files.join(",")}`);
    expect(walked).toEqual([".: a,b | c1.txt,c2.txt,cx.txt", "a: deep | one.json,two.txt", "a/deep:  | three.json", "b:  | four.json"]);
    const rel = (list: string[]) => list.map((p) => path.relative(s.path, p));
    expect(rel(await s.glob(s.join(s.path, "**/*.json")))).toEqual(["a/deep/three.json", "a/one.json", "b/four.json"]);
    expect(rel(await s.glob(s.join(s.path, "a/*.json")))).toEqual(["a/one.json"]);
    expect(rel(await s.glob(s.join(s.path, "c?.txt")))).toEqual(["c1.txt", "c2.txt", "cx.txt"]);
    expect(rel(await s.glob(s.join(s.path, "c[12].txt")))).toEqual(["c1.txt", "c2.txt"]);
    expect(rel(await s.glob(s.join(s.path, "c[!12].txt")))).toEqual(["cx.txt"]);
    expect(await s.glob(s.join(s.path, "missing", "*.txt"))).toEqual([]);
    // A relative pattern searches the working directory.
    const cwd = process.cwd();
    process.chdir(s.path);
    try {
      expect(await s.glob("c[12].txt")).toEqual(["c1.txt", "c2.txt"]);
      expect(await s.glob("b/*.json")).toEqual(["b/four.json"]);
    } finally {
      process.chdir(cwd);
    }

    await s.copy(s.join(s.path, "a"), s.join(s.path, "copy"));
    expect(await s.readText(s.join(s.path, "copy", "deep", "three.json"))).toBe("a/deep/three.json");
    await expect(s.remove(s.join(s.path, "a"))).rejects.toThrow();
    await s.remove(s.join(s.path, "a"), { recursive: true });
    await s.remove(s.join(s.path, "c1.txt"));
    await s.remove(s.join(s.path, "never-existed"));
    expect(await s.list(s.path)).toEqual(["b", "c2.txt", "copy", "cx.txt"]);
    await s.makedirs(s.join(s.path, "new", "nested"));
    expect(await s.isDir(s.join(s.path, "new", "nested"))).toBe(true);
  });

  it("accepts file:// URIs and reports missing paths as NotFoundError", async () => {
    const s = store();
    const file = path.join(s.path, "with space.txt");
    await s.writeText(pathToFileURL(file).href, "via url");
    expect(await s.readText(file)).toBe("via url");
    await expect(s.readBytes(path.join(s.path, "nope"))).rejects.toThrow(NotFoundError);
    await expect(s.openRead(path.join(s.path, "nope"))).rejects.toThrow("No file or directory at");
    await expect(s.stat(path.join(s.path, "nope"))).rejects.toThrow(NotFoundError);
    await expect(s.list(path.join(s.path, "nope"))).rejects.toThrow(NotFoundError);
    expect(existsSync(s.path)).toBe(true);
  });
});

describe("BaseArtifactStore", () => {
  /** A stand-in for a remote store: only the declared schemes matter here. */
  class FakeRemote extends LocalArtifactStore {
    static override readonly supportedSchemes = ["s3://"];
  }

  it("refuses a path that does not start with a supported scheme", () => {
    expect(() => new FakeRemote({ id: "r", name: "remote", flavor: "s3", config: { path: "/local/dir" }, configDir: "/tmp" })).toThrow(ValidationError);
    expect(() => new FakeRemote({ id: "r", name: "remote", flavor: "s3", config: { path: "/local/dir" }, configDir: "/tmp" })).toThrow(
      "The path '/local/dir' of artifact store 'remote' does not start with a scheme that FakeRemote supports ('s3://').",
    );
    const ok = new FakeRemote({ id: "r", name: "remote", flavor: "s3", config: { path: "s3://bucket/prefix" }, configDir: "/tmp" });
    expect(ok.path).toBe("s3://bucket/prefix");
    expect(ok.join(ok.path, "a", "b.json")).toBe("s3://bucket/prefix/a/b.json");
  });

  it("turns glob patterns into anchored regular expressions", () => {
    expect(globToRegExp("/x/**/*.json").test("/x/a/b/c.json")).toBe(true);
    expect(globToRegExp("/x/**/*.json").test("/x/c.json")).toBe(true);
    expect(globToRegExp("/x/*.json").test("/x/a/c.json")).toBe(false);
    expect(globToRegExp("/x/file.(1).txt").test("/x/file.(1).txt")).toBe(true);
  });
});
