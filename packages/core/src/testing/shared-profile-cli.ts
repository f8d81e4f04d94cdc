/**
 * Running the built `zen` binary as a teammate of a shared profile: one config directory per teammate
 * (HOME and ZEN_CONFIG_PATH), the store's password in ZEN_STORE_PASSWORD only. For the shared-profile kits.
 */
import { spawn, spawnSync } from "node:child_process";

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export interface TeammateCli {
  env(config: string, extra?: Record<string, string>): Record<string, string>;
  zen(config: string, args: string[], cwd?: string, extra?: Record<string, string>): Run;
  zenAsync(config: string, args: string[]): Promise<Run>;
}

/** `target()` gives the fixture's CLI, project and password (read at each call: fixtures are made in `beforeAll`). */
export function teammateCli(target: () => { zenBin: string; project: string; password: string }): TeammateCli {
  const env = (config: string, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? "",
    HOME: config,
    ZEN_CONFIG_PATH: config,
    NO_COLOR: "1",
    ZEN_STORE_PASSWORD: target().password,
    ...extra,
  });
  return {
    env,
    zen(config, args, cwd = target().project, extra = {}) {
      const r = spawnSync(process.execPath, [target().zenBin, ...args], { cwd, env: env(config, extra), encoding: "utf8" });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    zenAsync(config, args) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [target().zenBin, ...args], { cwd: target().project, env: env(config), stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
      });
    },
  };
}

/** The run, when it exited 0; otherwise an error with all it printed. */
export function ok(r: Run): Run {
  if (r.status !== 0) throw new Error(`zen exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}
