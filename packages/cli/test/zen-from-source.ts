/** The real `zen` program run from source (fixtures/pipeline-cli.ts, through tsx) in its own process: no build needed. */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ZenResult } from "./run-zen.ts";

const HARNESS = fileURLToPath(new URL("./fixtures/pipeline-cli.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** `zen ARGS` in `cwd` with exactly `env`, stdin empty. */
export function zenFromSource(cwd: string, env: Record<string, string>, args: string[]): ZenResult {
  const result = spawnSync(process.execPath, ["--import", TSX, "--conditions=zen-source", HARNESS, ...args], {
    cwd,
    env,
    encoding: "utf8",
    input: "",
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** An environment for it: `home` as HOME, a config directory of its own under it, no colours, CI. */
export function sourceEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: home, ZEN_CONFIG_PATH: path.join(home, "config"), NO_COLOR: "1", CI: "1" };
}
