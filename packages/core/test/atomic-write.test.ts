import { describe, expect, it, afterEach } from "@jest/globals";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../src/fs/atomic-write.ts";
import { parseYaml, readYamlMapping, writeYamlFile } from "../src/fs/yaml-file.ts";
import { isZenError } from "../src/errors.ts";
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
});

describe("YAML files", () => {
  it("round-trips a mapping", async () => {
    dir = await tempDir();
    const file = join(dir, "x.yaml");
    await writeYamlFile(file, { a: 1, b: { c: "d=e" } });
    expect(await readYamlMapping(file)).toEqual({ a: 1, b: { c: "d=e" } });
  });

  it("reports malformed YAML with the file and the line, as a ZenError with a hint", async () => {
    let caught: unknown;
    try {
      parseYaml("a: 1\nb: [1,\nc: x: y\n", "/tmp/some/config.yaml");
    } catch (error) {
      caught = error;
    }
    expect(isZenError(caught)).toBe(true);
    const error = caught as Error & { hint: string; code: string };
    expect(error.message).toMatch(/^Malformed YAML in '\/tmp\/some\/config\.yaml' at line 3, column \d+: /);
    expect(error.message.split("\n")).toHaveLength(1);
    expect(error.code).toBe("ZEN_CONFIG_MALFORMED");
    expect(error.hint).toContain("left it untouched");
  });

  it("refuses a file that is not a mapping and returns undefined for a missing one", async () => {
    dir = await tempDir();
    expect(await readYamlMapping(join(dir, "missing.yaml"))).toBeUndefined();
    const file = join(dir, "list.yaml");
    await writeFileAtomic(file, "- a\n- b\n");
    await expect(readYamlMapping(file)).rejects.toThrow(/expected a mapping/);
  });

  it("refuses duplicate keys", () => {
    expect(() => parseYaml("a: 1\na: 2\n", "f.yaml")).toThrow(/Malformed YAML in 'f\.yaml' at line 2/);
  });
});
