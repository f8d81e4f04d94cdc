/** Reading any MLflow run back (one zen logged, or one another client logged) over the REST API. */
import type { MlflowClient } from "./mlflow-client.ts";

/** A run as the server holds it. */
export interface MlflowRunData {
  runId: string;
  experimentId: string;
  status: string;
  artifactUri: string;
  params: Record<string, string>;
  /** The last value of each metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface MetricPoint {
  value: number;
  step: number;
  timestamp: number;
}

interface RawRun {
  info: { run_id: string; experiment_id: string; status: string; artifact_uri: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string; value: number }[] };
}

export async function readRun(client: MlflowClient, runId: string): Promise<MlflowRunData> {
  const { run } = await client.call<{ run: RawRun }>("GET", "runs/get", { run_id: runId });
  const pairs = (list: { key: string; value: string }[] | undefined) => Object.fromEntries((list ?? []).map((p) => [p.key, p.value]));
  return {
    runId: run.info.run_id,
    experimentId: run.info.experiment_id,
    status: run.info.status,
    artifactUri: run.info.artifact_uri,
    params: pairs(run.data.params),
    tags: pairs(run.data.tags),
    metrics: Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value])),
  };
}

/** Every point of one metric, following MLflow's pages. */
export async function metricHistory(client: MlflowClient, runId: string, key: string): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  let token: string | undefined;
  do {
    const page = await client.call<{ metrics?: { value: number; step?: string | number; timestamp: string | number }[]; next_page_token?: string }>(
      "GET",
      "metrics/get-history",
      { run_id: runId, metric_key: key, max_results: 25000, page_token: token },
    );
    for (const m of page.metrics ?? []) points.push({ value: m.value, step: Number(m.step ?? 0), timestamp: Number(m.timestamp) });
    token = page.next_page_token || undefined;
  } while (token);
  return points;
}
