/**
 * Test support: examples/mlflow as a user runs it, its pipeline in its own process (from TypeScript
 * sources, through tsx) and the BUILT `zen` in its directory.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../../packages/cli/test/run-zen.ts";

export const EXAMPLE_DIR = fileURLToPath(new URL("../../../examples/mlflow", import.meta.url));
const TSX_LOADER = join(dirname(createRequire(join(EXAMPLE_DIR, "package.json")).resolve("tsx/package.json")), "dist/loader.mjs");

/** The example's pipeline (`src/run.ts`) as its own process. */
export function runExample(env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=zen-source", "--import", TSX_LOADER, join(EXAMPLE_DIR, "src/run.ts")], {
      cwd: EXAMPLE_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/**
 * `zen ARGS` in the example's directory, in the sandbox `sandbox()` returns (made in a `beforeAll`):
 * `zen` as it ends, `ok` throwing with the output when it does not exit 0.
 */
export function exampleCli(sandbox: () => Sandbox) {
  const zen = (args: string[]) => sandbox().zen(args, { cwd: EXAMPLE_DIR });
  const ok = (args: string[]) => {
    const result = zen(args);
    if (result.status !== 0) throw new Error(`zen ${args.join(" ")}: exit ${result.status}\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  return { zen, ok };
}
