// Loading a CommonJS bundle through V8's code cache: the cache is written on the first load and used
// after; a changed bundle (even of the same length) runs its new code; a damaged cache or one that
// cannot be written costs only the saving. Each load runs in a process of its own, as each `zen`
// command does (within one process V8 keeps compiled scripts in memory and never reads the cache).
import { afterEach, describe, expect, it } from "@jest/globals";
import { chmodSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runScript } from "./fixtures/config/run-script.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

const bundleSource = (value: string) => `const os = require("node:os");\nmodule.exports = { value: "${value}", eol: os.EOL, file: __filename };\n`;

async function load(bundle: string, cacheDir: string): Promise<unknown> {
  const result = await runScript("load-bundle.ts", [bundle, cacheDir], {});
  if (result.code !== 0) throw new Error(`load-bundle.ts failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function cacheFiles(cacheDir: string): string[] {
  try {
    return readdirSync(join(cacheDir, process.versions.v8)).map((name) => join(cacheDir, process.versions.v8, name));
  } catch {
    return [];
  }
}

describe("loadCachedBundle", () => {
  it("runs the bundle as CommonJS, writes its code cache on the first load and reuses it after", async () => {
    dir = await tempDir();
    const bundle = join(dir, "lib.cjs");
    const cacheDir = join(dir, "cache");
    writeFileSync(bundle, bundleSource("first"));
    expect(await load(bundle, cacheDir)).toEqual({ value: "first", eol: "\n", file: bundle });
    const [cache] = cacheFiles(cacheDir);
    expect(cache).toBeDefined();
    const written = statSync(cache!).mtimeMs;
    expect(readFileSync(cache!).length).toBeGreaterThan(0);

    expect(await load(bundle, cacheDir)).toEqual({ value: "first", eol: "\n", file: bundle });
    // Accepted, so not rewritten.
    expect(statSync(cache!).mtimeMs).toBe(written);
    expect(cacheFiles(cacheDir)).toEqual([cache]);
  });

  it("runs a changed bundle's new code, even when its length did not change", async () => {
    dir = await tempDir();
    const bundle = join(dir, "lib.cjs");
    const cacheDir = join(dir, "cache");
    writeFileSync(bundle, bundleSource("old"));
    await load(bundle, cacheDir);
    writeFileSync(bundle, bundleSource("new"));
    // Same length and, for a fast rebuild, possibly the same mtime: the inode or mtime still tell.
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(await load(bundle, cacheDir)).toMatchObject({ value: "new" });
  });

  it("loads the bundle when the cache is damaged, and replaces the damaged cache", async () => {
    dir = await tempDir();
    const bundle = join(dir, "lib.cjs");
    const cacheDir = join(dir, "cache");
    writeFileSync(bundle, bundleSource("ok"));
    await load(bundle, cacheDir);
    const [cache] = cacheFiles(cacheDir);
    writeFileSync(cache!, "not a code cache");
    expect(await load(bundle, cacheDir)).toMatchObject({ value: "ok" });
    expect(readFileSync(cache!, "utf8")).not.toBe("not a code cache");
  });

  it("loads the bundle when the cache directory cannot be written", async () => {
    dir = await tempDir();
    const bundle = join(dir, "lib.cjs");
    writeFileSync(bundle, bundleSource("ok"));
    const readOnly = join(dir, "read-only");
    writeFileSync(readOnly, "a file where the cache directory would go");
    chmodSync(readOnly, 0o400);
    expect(await load(bundle, join(readOnly, "cache"))).toMatchObject({ value: "ok" });
  });
});
