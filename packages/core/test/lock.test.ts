import { describe, expect, it, afterEach } from "@jest/globals";
import { mkdir, readdir, readFile, utimes } from "node:fs/promises";
import { join } from "node:path";
import { withLock } from "../src/fs/lock.ts";
import { runScript } from "./fixtures/config/run-script.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

describe("withLock", () => {
  it("serializes critical sections within a process", async () => {
    dir = await tempDir();
    const file = join(dir, "counter");
    let inside = 0;
    let maxInside = 0;
    let counter = 0;
    await Promise.all(
      Array.from({ length: 25 }, () =>
        withLock(file, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const seen = counter;
          await new Promise((done) => setTimeout(done, 2));
          counter = seen + 1;
          inside--;
        }),
      ),
    );
    expect(counter).toBe(25);
    expect(maxInside).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it("releases the lock when the critical section throws", async () => {
    dir = await tempDir();
    const file = join(dir, "x");
    await expect(withLock(file, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withLock(file, () => "again")).toBe("again");
  });

  it("serializes real processes: 12 processes × 5 increments lose no update", async () => {
    dir = await tempDir();
    const file = join(dir, "counter");
    const results = await Promise.all(Array.from({ length: 12 }, () => runScript("locked-increment.ts", [file, "5"], {})));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(file, "utf8")).toBe("60");
  }, 180_000);

  it("takes over a stale lock left by a dead process", async () => {
    dir = await tempDir();
    const file = join(dir, "x");
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    expect(await withLock(file, () => "taken")).toBe("taken");
  });

  it("times out with a ZenError naming the lock when it is held", async () => {
    dir = await tempDir();
    const file = join(dir, "x");
    await mkdir(`${file}.lock`);
    await expect(withLock(file, () => "never", { timeoutMs: 200 })).rejects.toMatchObject({
      code: "ZEN_LOCKED",
      message: expect.stringContaining(file),
      hint: expect.stringContaining(`${file}.lock`),
    });
  });
});
