/**
 * End-to-end harness for the cloud-stores example: a private zen config directory, the `zen` CLI
 * and the example's pipeline run as real processes (from TypeScript sources, through tsx), with the
 * example project (or any other project directory) as working directory.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const EXAMPLE_DIR = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const ZEN_FROM_SOURCE = fileURLToPath(new URL("./zen-from-source.ts", import.meta.url));
const TSX_LOADER = join(dirname(createRequire(join(EXAMPLE_DIR, "package.json")).resolve("tsx/package.json")), "dist/loader.mjs");

export interface ProcessResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Harness {
  configDir: string;
  env: Record<string, string>;
  /** `zen ARGS` in `cwd` (default: the example project). */
  zen(args: string[], options?: { cwd?: string; env?: Record<string, string> }): ProcessResult;
  /** The example's pipeline (`src/run.ts ARGS`) as its own process. */
  runExample(args: string[], options?: { env?: Record<string, string> }): Promise<ProcessResult>;
  /** Every file under the config directory, as text (to prove a secret is nowhere in clear). */
  configText(): string;
  remove(): void;
}

export function harness(): Harness {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "zen-cloud-")));
  const configDir = join(base, "config");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: base,
    ZEN_CONFIG_PATH: configDir,
    NO_COLOR: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    METADATA_SERVER_DETECTION: "none",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const node = (script: string, args: string[]) => [`--conditions=zen-source`, `--import`, TSX_LOADER, script, ...args];
  return {
    configDir,
    env,
    zen(args, options = {}) {
      const result = spawnSync(process.execPath, node(ZEN_FROM_SOURCE, args), {
        cwd: options.cwd ?? EXAMPLE_DIR,
        env: { ...env, ...options.env },
        input: "",
        encoding: "utf8",
      });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    runExample(args, options = {}) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, node(join(EXAMPLE_DIR, "src/run.ts"), args), {
          cwd: EXAMPLE_DIR,
          env: { ...env, ...options.env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
      });
    },
    configText() {
      let text = "";
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir)) {
          const path = join(dir, entry);
          if (statSync(path).isDirectory()) walk(path);
          else text += readFileSync(path, "latin1");
        }
      };
      walk(configDir);
      return text;
    },
    remove() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
