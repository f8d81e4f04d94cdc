/**
 * The `mlflow` model deployer against the real MLflow 3 server: an sklearn model logged by MLflow's
 * Python client, served by `mlflow models serve`, and a TypeScript model served by zen's Node
 * prediction server; both registered as versions from logged models (read back by `MlflowClient`),
 * both answering `/invocations`; stopped, restarted and found again by a new deployer object (what a
 * new zen process sees); a service that fails to start shows the end of its log. `mlflow models serve`
 * starts twice here (~10 s each on an idle machine).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { MlflowModelDeployer } from "../src/deployer/mlflow-model-deployer.ts";
import type { MlflowModelDeployerConfig } from "../src/config.ts";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import { python } from "./mlflow-test-support.ts";

const LOG_SKLEARN = `
import json, sys, mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True, as_frame=True)
clf = LogisticRegression(max_iter=500).fit(X, y)
mlflow.set_experiment(sys.argv[1])
with mlflow.start_run():
    info = mlflow.sklearn.log_model(clf, name="model", input_example=X.head(2))
print(json.dumps({"model_id": info.model_id, "columns": list(X.columns)}))
`;

const IRIS_SETOSA = { "sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2 };

const READ_VERSION = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient()
v = c.get_model_version(sys.argv[1], sys.argv[2])
m = c.get_logged_model(v.source.split("/")[-1])
print(json.dumps({"source": v.source, "status": v.status, "logged": m.model_id, "model_status": str(m.status)}))
`;

// A TypeScript predict module (loaded by the Node server through tsx): a linear score per row.
const PREDICT_TS = `
interface Linear { weights: number[]; bias: number }
export function score(data: Linear, input: { columns?: string[]; rows: unknown[][] }): number[] {
  return input.rows.map((row) => row.reduce((sum: number, v, i) => sum + Number(v) * data.weights[i]!, data.bias));
}
`;

async function invoke(url: string, body: unknown): Promise<{ status: number; json: { predictions?: unknown[]; message?: string } }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { predictions?: unknown[]; message?: string } };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the mlflow model deployer", () => {
  let service: MlflowService;
  let root: string;
  let config: MlflowModelDeployerConfig;
  const suffix = Date.now().toString(36);
  const deployer = () => new MlflowModelDeployer({ id: "id-deployer", name: "mlflow_deployer", flavor: "mlflow", config, configDir: root });
  const first = () => deployer();
  let d: MlflowModelDeployer;

  beforeAll(async () => {
    service = await requireMlflow();
    root = makeTempDir("zen-mlflow-deployer-");
    config = { tracking_uri: service.trackingUri, service_path: join(root, "services"), start_timeout_seconds: 90 };
    // `mlflow models serve --env-manager local` runs from the venv on PATH.
    process.env.PATH = `${service.bin}:${process.env.PATH}`;
    process.env.MLFLOW_DISABLE_TELEMETRY = "true";
    process.env.DO_NOT_TRACK = "true";
    await writeFile(join(root, "linear.ts"), PREDICT_TS);
    d = first();
  });

  afterAll(async () => {
    // Nothing may outlive the tests.
    for (const s of await deployer()
      .listServices()
      .catch(() => [])) {
      await deployer()
        .deleteService(s.name)
        .catch(() => undefined);
    }
  });

  it("registers a TypeScript model as a version from a logged model and serves it with the four scoring formats", async () => {
    const model = `zen-linear-${suffix}`;
    const deployed = await d.deployModel({
      modelName: model,
      typescript: { module: join(root, "linear.ts"), export: "score", data: { weights: [1, 10], bias: 0.5 } },
    });
    expect(deployed).toMatchObject({ name: model, model, version: "1", runtime: "node", status: "running" });
    const url = deployed.predictionUrl!;
    expect(url).toBe(`http://127.0.0.1:${deployed.port}/invocations`);

    const expected = { predictions: [21.5, 43.5] };
    expect(
      await invoke(url, {
        dataframe_split: {
          columns: ["a", "b"],
          data: [
            [1, 2],
            [3, 4],
          ],
        },
      }),
    ).toEqual({ status: 200, json: expected });
    expect(
      await invoke(url, {
        dataframe_records: [
          { a: 1, b: 2 },
          { a: 3, b: 4 },
        ],
      }),
    ).toEqual({ status: 200, json: expected });
    expect(
      await invoke(url, {
        inputs: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual({ status: 200, json: expected });
    expect(await invoke(url, { instances: { a: [1, 3], b: [2, 4] } })).toEqual({ status: 200, json: expected });
    const bad = await invoke(url, { rows: [[1, 2]] });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/dataframe_split, dataframe_records, inputs, instances/);
    const base = url.replace(/\/invocations$/, "");
    expect((await fetch(`${base}/ping`)).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/version`)).text()).toContain(`models:/${model}/1`);

    const read = await python(service, service.trackingUri, READ_VERSION, [model, "1"]);
    expect(read).toMatchObject({ status: "READY", model_status: expect.stringMatching(/READY/) });
    expect(read.source).toBe(`models:/${read.logged}`);
    expect(deployed.details.modelId).toBe(read.logged);
  }, 120_000);

  it("serves an sklearn model logged by MLflow's Python client with mlflow models serve", async () => {
    const model = `zen-iris-${suffix}`;
    const logged = await python(service, service.trackingUri, LOG_SKLEARN, [`zen-deployer-${suffix}`]);
    expect(logged.model_id).toMatch(/^m-[0-9a-f]+$/);
    const deployed = await d.deployModel({ modelName: model, modelId: logged.model_id });
    expect(deployed).toMatchObject({ model, version: "1", runtime: "python", status: "running" });
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.0, 5.2, 2.3],
    ];
    const answer = await invoke(deployed.predictionUrl!, { dataframe_split: { columns: logged.columns, data: rows } });
    expect(answer).toEqual({ status: 200, json: { predictions: [0, 2] } });
    const read = await python(service, service.trackingUri, READ_VERSION, [model, "1"]);
    expect(read.source).toBe(`models:/${logged.model_id}`);
  }, 180_000);

  it("finds the services again from another deployer object, stops them as a group and restarts them", async () => {
    const later = deployer(); // what a new zen process sees: only the service directory
    const services = await later.listServices();
    expect(services.map((s) => [s.name, s.runtime, s.status, s.details.health])).toEqual([
      [`zen-iris-${suffix}`, "python", "running", "answering"],
      [`zen-linear-${suffix}`, "node", "running", "answering"],
    ]);

    const python = services.find((s) => s.runtime === "python")!;
    const stopped = await later.stopService(python.name);
    expect(stopped).toMatchObject({ status: "stopped", pid: undefined, predictionUrl: undefined });
    expect(groupAlive(python.pid!)).toBe(false);
    expect(await fetch(python.predictionUrl!).catch(() => "refused")).toBe("refused");
    expect(await later.serviceLogs(python.name, { tail: 50 })).toMatch(/start: .*mlflow models serve -m models:\/zen-iris/);

    const node = services.find((s) => s.runtime === "node")!;
    await later.stopService(node.name);
    expect((await deployer().getService(node.name)).status).toBe("stopped");
    // Two starts at once (two zen processes): one starts it, the other finds it running.
    const [restarted, twice] = await Promise.all([deployer().startService(node.name), deployer().startService(node.name)]);
    expect(restarted.status).toBe("running");
    expect(twice).toMatchObject({ status: "running", pid: restarted.pid, port: restarted.port });
    expect(restarted.pid).not.toBe(node.pid);
    expect((await invoke(restarted.predictionUrl!, { inputs: [[0, 0]] })).json).toEqual({ predictions: [0.5] });

    // A registered version deployed by number into a second service: the model's files come from the registry.
    const again = await later.deployModel({ modelName: node.model, version: "1", serviceName: `${node.name}-again` });
    expect(again).toMatchObject({ runtime: "node", version: "1", status: "running" });
    expect(again.port).not.toBe(restarted.port);
    expect((await invoke(again.predictionUrl!, { inputs: [[1, 1]] })).json).toEqual({ predictions: [11.5] });
    await later.deleteService(again.name);

    // Started again by a later process (PATH from the service's record): the second and last `mlflow models serve` start.
    const python2 = await deployer().startService(python.name);
    expect(python2).toMatchObject({ status: "running", runtime: "python" });
    expect((await invoke(python2.predictionUrl!, { dataframe_records: [{ ...IRIS_SETOSA }] })).json).toEqual({ predictions: [0] });
    await later.deleteService(python.name);
    expect(groupAlive(python2.pid!)).toBe(false);
    expect((await later.listServices()).map((s) => s.name)).toEqual([node.name]);
    const missing = await rejectionOf(later.getService(python.name));
    expect(missing.message).toMatch(new RegExp(`no service 'zen-iris-${suffix}'`));
    expect((missing as { hint?: string }).hint).toContain(node.name);
  }, 120_000);

  it("refuses a TypeScript model whose predict module does not exist before anything is registered", async () => {
    const model = `zen-missing-${suffix}`;
    const error = await rejectionOf(d.deployModel({ modelName: model, typescript: { module: join(root, "nope.ts"), data: {} } }));
    expect(error).toMatchObject({ code: "ZEN_INVALID" });
    expect(error.message).toMatch(/predict module .*nope\.ts' of the TypeScript model does not exist/);
    const registered = await fetch(`${service.trackingUri}/api/2.0/mlflow/registered-models/get?name=${model}`);
    expect(registered.status).toBe(404);
    expect((await d.listServices()).map((s) => s.name)).not.toContain(model);
  });

  it("reports a service that fails to start with the end of its log, and lists it as failed", async () => {
    await writeFile(join(root, "broken.ts"), `throw new Error("weights file is corrupt");\nexport const predict = () => [];\n`);
    const error = await rejectionOf(d.deployModel({ modelName: `zen-broken-${suffix}`, typescript: { module: join(root, "broken.ts"), data: {} } }));
    expect(error.message).toMatch(new RegExp(`Prediction service 'zen-broken-${suffix}' .* did not start: the process exited with code 1`));
    expect(error.message).toContain("weights file is corrupt");
    expect((error as { hint?: string }).hint).toContain(`zen model-deployer models start zen-broken-${suffix}`);
    const listed = await deployer().getService(`zen-broken-${suffix}`);
    expect(listed).toMatchObject({ status: "failed", pid: undefined });
    expect(listed.details.lastError).toMatch(/exited with code 1/);
  }, 60_000);
});
