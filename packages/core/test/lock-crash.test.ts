import { afterEach, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeFileAtomic } from "../src/fs/atomic-write.ts";
import { withLock } from "../src/fs/lock.ts";
import { CORE_ROOT, FIXTURES, runScript } from "./fixtures/config/run-script.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

const TSX_LOADER = pathToFileURL(createRequire(join(CORE_ROOT, "package.json")).resolve("tsx")).href;

/** Starts a process that takes the lock on `file` and holds it; resolves once it holds it. */
function holdLock(file: string, ms?: number): Promise<{ pid: number; kill: () => Promise<void>; exited: Promise<void> }> {
  return new Promise((done, fail) => {
    const args = ms === undefined ? [file] : [file, String(ms)];
    const child = spawn(process.execPath, ["--conditions=zen-source", "--import", TSX_LOADER, join(FIXTURES, "hold-lock.ts"), ...args], {
      cwd: CORE_ROOT,
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    child.on("error", fail);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("held")) {
        done({
          pid: child.pid!,
          exited,
          kill: async () => {
            child.kill("SIGKILL");
            await exited;
          },
        });
      }
    });
  });
}

describe("crash leftovers", () => {
  it("takes over at once, with a notice, a lock whose holder was killed", async () => {
    dir = await tempDir();
    const file = join(dir, "stacks.yaml");
    const holder = await holdLock(file);
    await holder.kill();
    const notices: string[] = [];
    const started = Date.now();
    expect(await withLock(file, () => "mine", { notice: (m) => notices.push(m) })).toBe("mine");
    // Before: the default 15 s staleness wait.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(notices).toEqual([expect.stringContaining(`held by process ${holder.pid}, which is no longer running`)]);
    expect((await readdir(dir)).filter((n) => n.includes(".lock"))).toEqual([]);
  }, 60_000);

  it("takes over at once even when the killed process also left its take-over guard behind", async () => {
    dir = await tempDir();
    const file = join(dir, "stacks.yaml");
    const holder = await holdLock(file);
    await holder.kill();
    // As if killed in the middle of taking over a lock itself: the guard names a dead process.
    await writeFile(`${file}.lock.takeover`, String(holder.pid));
    const started = Date.now();
    expect(await withLock(file, () => "mine", { notice: () => {} })).toBe("mine");
    // Before: the guard was trusted until it was a second old.
    expect(Date.now() - started).toBeLessThan(700);
    expect((await readdir(dir)).filter((n) => n.includes(".lock"))).toEqual([]);
  }, 60_000);

  it("keeps waiting, silently, while the holder is alive", async () => {
    dir = await tempDir();
    const file = join(dir, "x");
    const holder = await holdLock(file);
    try {
      await expect(withLock(file, () => "never", { timeoutMs: 300, notice: () => {} })).rejects.toMatchObject({
        code: "ZEN_LOCKED",
        hint: expect.stringContaining(`pid ${holder.pid}`),
      });
    } finally {
      await holder.kill();
    }
  }, 60_000);

  it("removes temp files of dead writers on the next write, keeping live ones", async () => {
    dir = await tempDir();
    const file = join(dir, "stacks.yaml");
    const dead = `.stacks.yaml.999999999.0123456789ab.tmp`;
    const live = `.stacks.yaml.${process.pid}.ba9876543210.tmp`;
    await writeFile(join(dir, dead), "half");
    await writeFile(join(dir, live), "in progress");
    await writeFileAtomic(file, "new: 1\n");
    expect((await readdir(dir)).sort()).toEqual([live, "stacks.yaml"].sort());
    expect(await readFile(file, "utf8")).toBe("new: 1\n");
  });

  it("removes what killed waiters left next to the lock when it is next taken, in a directory no file is written to", async () => {
    dir = await tempDir();
    const file = join(dir, "zen.db");
    const deadOwner = "zen.db.lock.999999999.d113aa2b.tmp";
    const deadTicket = "zen.db.lock.wait-000000000000001-000000.999999999.0badf00d.tmp";
    const liveOwner = `zen.db.lock.${process.pid}.ba987654.tmp`;
    for (const name of [deadOwner, deadTicket, liveOwner]) await writeFile(join(dir, name), "");
    expect(await withLock(file, () => "mine")).toBe("mine");
    expect(await readdir(dir)).toEqual([liveOwner]);
  });

  it("lets a long queue of processes drain: the timeout is per holder, not for the whole wait", async () => {
    dir = await tempDir();
    const file = join(dir, "counter");
    // 16 processes × 2 holds of 60 ms ≈ 2 s of queue, against a 1 s timeout: before, waiters gave up.
    const results = await Promise.all(Array.from({ length: 16 }, () => runScript("locked-increment.ts", [file, "2", "60", "1000"], {})));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(file, "utf8")).toBe("32");
  }, 180_000);

  it("never takes over the lock of a live holder, however long the waiters queued before", async () => {
    dir = await tempDir();
    const file = join(dir, "counter");
    // Waiting ≈ 1.5 s against a 200 ms staleness: a lock judged by its age would be taken while held.
    const results = await Promise.all(Array.from({ length: 10 }, () => runScript("locked-increment.ts", [file, "3", "50", "60000", "200"], {})));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(file, "utf8")).toBe("30");
  }, 180_000);

  it("gives the lock to waiters in the order they arrived", async () => {
    dir = await tempDir();
    const file = join(dir, "turns");
    const holder = await holdLock(file);
    const tickets = async () => (await readdir(dir)).filter((n) => n.includes(".wait-")).length;
    const waiters: Promise<unknown>[] = [];
    for (let id = 1; id <= 5; id++) {
      waiters.push(runScript("append-in-lock.ts", [file, String(id)], {}));
      // The next one starts once this one is in line (nobody leaves the line while the lock is held).
      const deadline = Date.now() + 30_000;
      while ((await tickets()) < id && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    }
    await holder.kill(); // the first in line takes over; the others follow in order
    await Promise.all(waiters);
    expect((await readFile(file, "utf8")).trim().split("\n")).toEqual(["1", "2", "3", "4", "5"]);
    expect(await tickets()).toBe(0);
  }, 120_000);
});
