import { describe, expect, it, afterEach } from "@jest/globals";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempName, writeFileAtomic } from "../src/fs/atomic-write.ts";
import { processTag } from "../src/fs/process-alive.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

describe("writeFileAtomic", () => {
  it("creates the file 0600 in a new 0700 directory and leaves no temp file", async () => {
    dir = await tempDir();
    const target = join(dir, "nested", "config.yaml");
    await writeFileAtomic(target, "a: 1\n");
    expect(await readFile(target, "utf8")).toBe("a: 1\n");
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, "nested"))).toEqual(["config.yaml"]);
  });

  it("replaces the whole content; concurrent writers leave exactly one complete version", async () => {
    dir = await tempDir();
    const target = join(dir, "file.txt");
    const versions = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, "0")}:${"x".repeat(50_000)}`);
    await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
    const content = await readFile(target, "utf8");
    expect(versions).toContain(content);
    expect(await readdir(dir)).toEqual(["file.txt"]);
  });

  it("cleans up its temp file when the rename fails", async () => {
    dir = await tempDir();
    const target = join(dir, "is-a-directory");
    await mkdir(join(target, "child"), { recursive: true });
    await expect(writeFileAtomic(target, "data")).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["is-a-directory"]);
  });

  it("removes a dead writer's temp file, also when its pid now belongs to another process", async () => {
    dir = await tempDir();
    const target = join(dir, "stacks.yaml");
    const [, start] = processTag().split("-");
    // The parent process is alive, but started at another time than the tag says: a reused pid.
    const reusedPid = `.stacks.yaml.${process.ppid}-${Number(start) + 1}.0123456789ab.tmp`;
    const live = `.${tempName("stacks.yaml")}`;
    await writeFile(join(dir, reusedPid), "half");
    await writeFile(join(dir, live), "in progress");
    await writeFileAtomic(target, "a: 1\n");
    expect((await readdir(dir)).sort()).toEqual([live, "stacks.yaml"].sort());
  });
});
