/**
 * What the kfp.local tests share: the built CLI as `zen` on PATH (as the step image has it), running
 * it, and Kubeflow's own local runner as the "cluster" the KFP API fake hands each created run to.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@zen/test-utils";
import { KubeflowOrchestrator } from "../src/kubeflow-orchestrator.ts";
import { kfpCheck } from "./kfp-python.ts";

export const ZEN = fileURLToPath(new URL("../../../packages/cli/bin/zen.cjs", import.meta.url));

/** An environment whose `zen` is this checkout's built CLI, with a config directory of its own under `root`. */
export function zenEnvironment(root: string): Record<string, string> {
  const bin = path.join(root, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "zen"), `#!/bin/sh\nexec "${process.execPath}" "${ZEN}" "$@"\n`);
  chmodSync(path.join(bin, "zen"), 0o755);
  return { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: root, ZEN_CONFIG_PATH: path.join(root, "config"), NO_COLOR: "1" };
}

export function zenCli(env: Record<string, string>, args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZEN, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the uploaded package with kfp.local (in `cwd`); resolves with the KFP state to report. */
export async function runOnKfpLocal(env: Record<string, string>, run: Record<string, any>, packageText: string, log: string[], cwd?: string): Promise<string> {
  const dir = makeTempDir("zen-kfp-local-");
  const file = path.join(dir, "package.yaml");
  writeFileSync(file, packageText);
  const result = await kfpCheck(["local-run", file, String(run.runtime_config.parameters.zen_run_id), path.join(dir, "pipeline-root")], undefined, env, cwd);
  log.push(result.stderr);
  if (result.code !== 0) return "FAILED";
  return (JSON.parse(result.stdout) as { state: string }).state;
}

/** The kubeflow orchestrator `kfp` on the KFP API fake at `hostname` (its own `pollIntervalMs` when given). */
export function kfpOrchestrator(hostname: string, configDir: string, pollIntervalMs?: number): KubeflowOrchestrator {
  const orchestrator = new KubeflowOrchestrator({
    id: "kfp",
    name: "kfp",
    flavor: "kubeflow",
    config: { kubeflow_hostname: hostname, image: "registry.example.com/app:1" },
    configDir,
  });
  if (pollIntervalMs !== undefined) orchestrator.pollIntervalMs = pollIntervalMs;
  return orchestrator;
}
