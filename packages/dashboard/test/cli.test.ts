/**
 * `zen dashboard` through the built CLI: it finds @zen/dashboard in the project, serves until
 * interrupted, requires the printed token on a non-loopback address, and names the package to
 * install when it is missing. (Rebuild with `pnpm build` first: these tests run packages/cli/bin/zen.cjs.)
 */
import { describe, expect, it } from "@jest/globals";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeProject, makeTempDir, writeTree } from "@zen/test-utils";

const ZEN_BIN = fileURLToPath(new URL("../../cli/bin/zen.cjs", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

function home(withDashboard: boolean) {
  const base = makeTempDir("zen-dashboard-cli-");
  const cwd = makeProject({ dir: join(base, "project") });
  mkdirSync(join(cwd, "node_modules", "@zen"), { recursive: true });
  if (withDashboard) symlinkSync(PACKAGE_ROOT, join(cwd, "node_modules", "@zen", "dashboard"), "dir");
  const env = { PATH: process.env.PATH ?? "", HOME: base, ZEN_CONFIG_PATH: join(base, "config"), NO_COLOR: "1" };
  return { cwd, env };
}

/** Waits (up to 5 s) until the process's stderr contains `text` (stdout and stderr are separate pipes). */
async function stderrContains(stderr: () => string, text: string): Promise<string> {
  for (let i = 0; i < 100 && !stderr().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
  return stderr();
}

/** Starts `zen dashboard …` and resolves with the URL it prints. */
function serve(args: string[], where: { cwd: string; env: Record<string, string> }): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [ZEN_BIN, "dashboard", ...args], { ...where, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Dashboard serving at (\S+)/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr });
    });
    child.on("exit", (code) => reject(new Error(`zen dashboard exited with ${code}: ${stderr}`)));
  });
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

describe("zen dashboard", () => {
  it("serves the active profile on 127.0.0.1 until interrupted", async () => {
    const where = home(true);
    const started = Date.now();
    const { child, url, stderr } = await serve(["--port", "0"], where);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const context = await (await fetch(`${url}api/context`)).json();
      expect(context).toEqual({ profile: "default", stack: "default" });
      expect((await fetch(url)).status).toBe(200);
      expect(await stderrContains(stderr, "Read-only.")).toContain("Read-only. Press Ctrl+C to stop.");
      // Generous for a loaded CI machine; `pnpm bench` measures the real figure.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      expect(await stopped(child)).toBe(0);
    }
  }, 30_000);

  it("prints a token for a non-loopback address and refuses requests without it", async () => {
    const { child, url, stderr } = await serve(["--port", "0", "--host", "0.0.0.0"], home(true));
    try {
      const match = /^http:\/\/0\.0\.0\.0:(\d+)\/\?token=([A-Za-z0-9_-]+)$/.exec(url);
      expect(match).not.toBeNull();
      expect(await stderrContains(stderr, "not loopback")).toContain("not loopback: every request needs the token");
      const local = `http://127.0.0.1:${match![1]}/api/context`;
      expect((await fetch(local)).status).toBe(401);
      expect((await fetch(`${local}?token=${match![2]}`)).status).toBe(200);
    } finally {
      expect(await stopped(child)).toBe(0);
    }
  }, 30_000);

  it("makes `zen pipeline run` and `zen pipeline runs describe` print the run's page while it serves", async () => {
    const where = home(true);
    writeTree(where.cwd, {
      "pipeline.mjs": `import { pipeline, step } from "@zen/core";
const one = step({ name: "one", run: async () => 1 });
export default pipeline("printed", () => { one(); });
`,
    });
    const zen = (...args: string[]) => spawnSync(process.execPath, [ZEN_BIN, ...args], { ...where, encoding: "utf8" });
    const { child, url } = await serve(["--port", "0"], where);
    let runId: string;
    try {
      const ran = zen("pipeline", "run", "pipeline.mjs");
      expect(ran.status).toBe(0);
      const printed = /Dashboard: (\S+)/.exec(ran.stdout + ran.stderr);
      expect(printed).not.toBeNull();
      const described = JSON.parse(zen("pipeline", "runs", "describe", "--output", "json").stdout) as { item: { id: string; dashboardUrl: string } };
      runId = described.item.id;
      expect(printed![1]).toBe(`${url}#/runs/${runId}`);
      expect(described.item.dashboardUrl).toBe(printed![1]);
      expect(zen("pipeline", "runs", "describe").stdout).toContain(`Dashboard: ${url}#/runs/${runId}`);
      // The page it names serves that run.
      expect(((await (await fetch(`${url}api/runs/${runId}`)).json()) as { id: string }).id).toBe(runId);
    } finally {
      expect(await stopped(child)).toBe(0);
    }
    // Stopped: no page to print.
    const after = zen("pipeline", "runs", "describe");
    expect(after.status).toBe(0);
    expect(after.stdout).not.toContain("Dashboard:");
  }, 60_000);

  it("says which package to install when @zen/dashboard is missing, and refuses a bad port", () => {
    const where = home(false);
    const missing = spawnSync(process.execPath, [ZEN_BIN, "dashboard"], { ...where, encoding: "utf8" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("`zen dashboard` needs the package @zen/dashboard");
    expect(missing.stderr).toContain("npm install --save-dev @zen/dashboard");
    const badPort = spawnSync(process.execPath, [ZEN_BIN, "dashboard", "--port", "http"], { ...where, encoding: "utf8" });
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain("Invalid port 'http'");
    const help = spawnSync(process.execPath, [ZEN_BIN, "--help"], { ...where, encoding: "utf8" });
    expect(help.stdout).toMatch(/dashboard \[options\]\s+serve a read-only web app/);
  });
});
