/** Runs the built `zen` binary as a real process in an isolated config directory. */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@zen/test-utils";

export const ZEN_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/zen.cjs");

export interface ZenResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  /** A working directory outside any repository. */
  cwd: string;
  configDir: string;
  env: Record<string, string>;
  zen(args: string[], options?: { cwd?: string; env?: Record<string, string>; input?: string }): ZenResult;
  zenAsync(args: string[], options?: { cwd?: string }): Promise<ZenResult>;
  /** Hash of every file under the config dir (and extra dirs), to prove nothing changed. */
  snapshot(...extraDirs: string[]): string;
}

export function sandbox(): Sandbox {
  const base = makeTempDir("zen-cli-"); // removed after the test file (ZEN_KEEP_TEMP=1 keeps it)
  const configDir = join(base, "config");
  const cwd = join(base, "work");
  spawnSync("mkdir", ["-p", cwd]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: base,
    ZEN_CONFIG_PATH: configDir,
    NO_COLOR: "1",
  };
  return {
    cwd,
    configDir,
    env,
    zen(args, options = {}) {
      const result = spawnSync(process.execPath, [ZEN_BIN, ...args], {
        cwd: options.cwd ?? cwd,
        env: { ...env, ...options.env },
        input: options.input ?? "",
        encoding: "utf8",
      });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    zenAsync(args, options = {}) {
      return new Promise((resolvePromise) => {
        const child = spawn(process.execPath, [ZEN_BIN, ...args], { cwd: options.cwd ?? cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolvePromise({ status: code ?? -1, stdout, stderr }));
      });
    },
    snapshot(...extraDirs) {
      const hash = createHash("sha256");
      for (const dir of [configDir, ...extraDirs]) hashTree(dir, hash);
      return hash.digest("hex");
    },
  };
}

function hashTree(dir: string, hash: ReturnType<typeof createHash>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    // Lock files come and go with reads; only content counts.
    if (entry.endsWith(".lock")) continue;
    const stat = statSync(path);
    hash.update(path);
    if (stat.isDirectory()) hashTree(path, hash);
    else hash.update(readFileSync(path));
  }
}
