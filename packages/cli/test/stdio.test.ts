/**
 * zen writes to its standard output and error through the file descriptors (src/stdio.ts): what a
 * pipe does to such writes (a reader that is slow on a non-blocking pipe, a reader that leaves) must
 * not lose output or crash.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { sandbox, ZEN_BIN } from "./run-zen.ts";

const LONG_PATH = `/tmp/${"a".repeat(100_000)}`;
const STORES = ["s1", "s2", "s3", "s4"]; // ~400 KB of JSON: more than a pipe or socket pair holds

function bigSandbox() {
  const s = sandbox();
  for (const name of STORES) expect(s.zen(["artifact-store", "register", name, "--flavor", "local", `--path=${LONG_PATH}`]).status).toBe(0);
  return s;
}

/** Runs `node …command`, reading its stdout only after `readAfterMs`, or closing it at once. */
function run(command: string[], env: Record<string, string>, reader: { readAfterMs: number } | "gone") {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolvePromise) => {
    const child = spawn(process.execPath, command, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    if (reader === "gone") child.stdout.destroy();
    else {
      child.stdout.on("data", (chunk) => (stdout += chunk)).pause();
      setTimeout(() => child.stdout.resume(), reader.readAfterMs);
    }
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}

describe("standard output", () => {
  it("reaches a slow reader whole through a non-blocking pipe", async () => {
    const s = bigSandbox();
    const wrapper = join(import.meta.dirname, "fixtures/nonblocking-stdout.cjs");
    const result = await run([wrapper, ZEN_BIN, "artifact-store", "list", "--output", "json"], s.env, { readAfterMs: 500 });
    expect(result.stderr).not.toMatch(/EAGAIN|Error/);
    expect(result.status).toBe(0);
    const items = JSON.parse(result.stdout).items as { name: string; config: { path: string } }[];
    expect(items.filter((item) => item.config.path === LONG_PATH).map((item) => item.name)).toEqual(STORES);
  });

  it("stops quietly when the reader goes away (`zen … | head -1`)", async () => {
    const s = bigSandbox();
    const result = await run([ZEN_BIN, "artifact-store", "list", "--output", "json"], s.env, "gone");
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.status).toBe(0);
  });
});
