import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isZenError } from "../src/errors.ts";
import { parseCacheFile, parseYaml, readYamlMapping, writeYamlFile } from "../src/fs/yaml-file.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string | undefined;
afterEach(async () => removeDir(dir));

describe("YAML files", () => {
  it("round-trips a mapping and keeps a private parse cache next to it", async () => {
    dir = await tempDir();
    const file = join(dir, "x.yaml");
    await writeYamlFile(file, { a: 1, b: { c: "d=e", list: [1, "two"] } });
    expect(await readFile(file, "utf8")).toBe("a: 1\nb:\n  c: d=e\n  list:\n    - 1\n    - two\n");
    expect(await readYamlMapping(file)).toEqual({ a: 1, b: { c: "d=e", list: [1, "two"] } });
    expect((await readdir(dir)).sort()).toEqual([".x.yaml.parsed.json", "x.yaml"]);
    expect((await stat(parseCacheFile(file))).mode & 0o777).toBe(0o600);
  });

  it("uses the cache only for the exact text it was made from", async () => {
    dir = await tempDir();
    const file = join(dir, "x.yaml");
    await writeYamlFile(file, { a: 1 });
    // A cache entry for the current text is trusted (this is what makes reads cheap)…
    const text = await readFile(file, "utf8");
    await writeFile(parseCacheFile(file), JSON.stringify({ format: 2, text, value: { a: "from cache" } }));
    expect(await readYamlMapping(file)).toEqual({ a: "from cache" });
    // …and a hand edit makes it stale: the YAML is parsed again and the cache refreshed.
    await writeFile(file, "a: 2\n");
    expect(await readYamlMapping(file)).toEqual({ a: 2 });
    expect(JSON.parse(await readFile(parseCacheFile(file), "utf8"))).toMatchObject({ value: { a: 2 } });
    // A corrupt cache is ignored.
    await writeFile(parseCacheFile(file), "{not json");
    expect(await readYamlMapping(file)).toEqual({ a: 2 });
  });

  it("does not cache values JSON cannot represent", async () => {
    dir = await tempDir();
    const file = join(dir, "x.yaml");
    await writeFile(file, "a: .inf\n");
    expect(await readYamlMapping(file)).toEqual({ a: Infinity });
    await expect(stat(parseCacheFile(file))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reports malformed YAML with the file and the line, as a ZenError with a hint", async () => {
    let caught: unknown;
    try {
      await parseYaml("a: 1\nb: [1,\nc: x: y\n", "/tmp/some/config.yaml");
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

  it("reports a malformed file even when an old cache exists, and leaves the file as it is", async () => {
    dir = await tempDir();
    const file = join(dir, "x.yaml");
    await writeYamlFile(file, { a: 1 });
    await writeFile(file, "a: [1,\n");
    await expect(readYamlMapping(file)).rejects.toThrow(/Malformed YAML in '.*x\.yaml' at line \d+/);
    expect(await readFile(file, "utf8")).toBe("a: [1,\n");
  });

  it("refuses a file that is not a mapping and returns undefined for a missing one", async () => {
    dir = await tempDir();
    expect(await readYamlMapping(join(dir, "missing.yaml"))).toBeUndefined();
    const file = join(dir, "list.yaml");
    await writeFile(file, "- a\n- b\n");
    await expect(readYamlMapping(file)).rejects.toThrow(/expected a mapping/);
  });

  it("refuses duplicate keys", async () => {
    await expect(parseYaml("a: 1\na: 2\n", "f.yaml")).rejects.toThrow(/Malformed YAML in 'f\.yaml' at line 2/);
  });

  it("refuses a value that contains itself (an alias inside its own anchor) instead of overflowing the stack", async () => {
    await expect(parseYaml("&a [*a]\n", "s.yaml")).rejects.toThrow(/^Malformed YAML in 's\.yaml' at line 1: an alias refers to the node that contains it/);
    await expect(parseYaml("x: 1\ny:\n  z: &b\n    w: [1, *b]\n", "s.yaml")).rejects.toThrow(/'s\.yaml' at line 4: .*cyclic/);
    dir = await tempDir();
    const file = join(dir, "stacks.yaml");
    await writeFile(file, "stacks: &s {again: *s}\n");
    await expect(readYamlMapping(file)).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED" });
    expect(await readFile(file, "utf8")).toBe("stacks: &s {again: *s}\n");
    // An alias to an earlier, finished node is ordinary YAML.
    expect(await parseYaml("a: &a [1]\nb: [*a, *a]\n", "ok.yaml")).toEqual({ a: [1], b: [[1], [1]] });
  });
});
