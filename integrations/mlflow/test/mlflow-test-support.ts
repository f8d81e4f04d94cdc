/**
 * Test support: trackers on the MLflow servers scripts/services starts, the server's own record of a
 * run read over REST (independent of the tracker's code), and MLflow's Python client run from its venv.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeTempDir } from "@zen/test-utils";
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
export async function serverRuns(
  trackingUri: string,
  experimentName: string,
  runName: string,
  login?: { user: string; password: string },
): Promise<ServerRun[]> {
  const authorization: Record<string, string> = login ? { authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}` } : {};
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${trackingUri}/api/2.0/mlflow/${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...authorization } }).then(
      (r) => r.json() as Promise<any>,
    );
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

export interface Proxy {
  /** `http(s)://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of a real MLflow server: with `tls`, served with a self-signed
 * certificate that openssl makes for the test (a team's TLS-terminating proxy with an internal
 * certificate); closing it is the server going away in the middle of a run.
 */
export async function mlflowProxy(targetUri: string, options: { tls?: boolean } = {}): Promise<Proxy> {
  const target = new URL(targetUri);
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  };
  let server: HttpServer;
  if (options.tls) {
    const dir = makeTempDir();
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"], {
      stdio: "ignore",
    });
    server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, forward);
  } else {
    server = createServer(forward);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
