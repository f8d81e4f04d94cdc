/**
 * Test support: trackers on the MLflow servers scripts/services starts, the server's own record of a
 * run read over REST (independent of the tracker's code), and MLflow's Python client run from its venv.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { MlflowExperimentTracker } from "../src/mlflow-experiment-tracker.ts";
import type { MlflowExperimentTrackerConfig } from "../src/flavors.ts";
import type { MlflowService } from "../../../scripts/services/service-env.ts";

const run = promisify(execFile);

export function tracker(config: MlflowExperimentTrackerConfig, name = "mlflow_tracker"): MlflowExperimentTracker {
  return new MlflowExperimentTracker({ id: `id-${name}`, name, flavor: "mlflow", config, configDir: "/nonexistent" });
}

export interface ServerRun {
  runId: string;
  status: string;
  params: Record<string, string>;
  /** The last value of each metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

/** The runs the server holds for a pipeline run (found by zen's tags), straight from the REST API. */
export async function serverRuns(trackingUri: string, experimentName: string, runName: string): Promise<ServerRun[]> {
  const api = (path: string, init?: RequestInit) => fetch(`${trackingUri}/api/2.0/mlflow/${path}`, init).then((r) => r.json() as Promise<any>);
  const experiment = await api(`experiments/get-by-name?experiment_name=${encodeURIComponent(experimentName)}`);
  if (!experiment.experiment) return [];
  const found = await api("runs/search", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ experiment_ids: [experiment.experiment.experiment_id], filter: `tags.\`zen.run\` = '${runName}'` }),
  });
  return (found.runs ?? []).map((r: any) => ({
    runId: r.info.run_id,
    status: r.info.status,
    params: Object.fromEntries((r.data.params ?? []).map((p: any) => [p.key, p.value])),
    metrics: Object.fromEntries((r.data.metrics ?? []).map((m: any) => [m.key, m.value])),
    tags: Object.fromEntries((r.data.tags ?? []).map((t: any) => [t.key, t.value])),
  }));
}

/** Runs a Python script with the MLflow venv's interpreter against `trackingUri`; resolves with its stdout parsed as JSON. */
export async function python(service: MlflowService, trackingUri: string, script: string, args: string[] = [], env: Record<string, string> = {}): Promise<any> {
  const { stdout } = await run(service.python, ["-c", script, ...args], {
    env: {
      ...process.env,
      MLFLOW_TRACKING_URI: trackingUri,
      MLFLOW_DISABLE_TELEMETRY: "true",
      DO_NOT_TRACK: "true",
      PATH: `${service.bin}:${process.env.PATH}`,
      ...env,
    },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}
