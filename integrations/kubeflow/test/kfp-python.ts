/** Runs `kfp/kfp_check.py` with the venv of Kubeflow's own packages (installed by scripts/services). */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { requireKfpPython } from "../../../scripts/services/service-env.ts";

const SCRIPT = fileURLToPath(new URL("./kfp/kfp_check.py", import.meta.url));

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kfpCheck(args: readonly string[], input?: unknown, env?: Record<string, string>, cwd?: string): Promise<PythonResult> {
  const python = requireKfpPython();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT, ...args], { stdio: ["pipe", "pipe", "pipe"], ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input === undefined ? "" : JSON.stringify(input));
  });
}

/** Like `kfpCheck`, but the script must succeed; resolves with its JSON output. */
export async function kfpCheckOk<T>(args: readonly string[], input?: unknown, env?: Record<string, string>): Promise<T> {
  const result = await kfpCheck(args, input, env);
  if (result.code !== 0) throw new Error(`kfp_check.py ${args[0]} failed (exit ${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
