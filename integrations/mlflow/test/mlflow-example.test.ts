/**
 * The `mlflow` tracker as a user meets it, with the BUILT `zen` (`pnpm build` first): the flavor
 * discovered in examples/mlflow (which depends on the package), registered against the basic-auth
 * server with secret references, the example run in its own process, what it logged read back by
 * MLflow's Python client, and the MLflow run's URL in `zen pipeline runs describe` (kept with the run's record).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { closedPort } from "@zen/test-utils";
import { sandbox, type Sandbox } from "../../../packages/cli/test/run-zen.ts";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import { EXAMPLE_DIR, exampleCli, runExample } from "./mlflow-example-project.ts";
import { python } from "./mlflow-test-support.ts";

const READ_BACK = `
import json, sys, tempfile
from mlflow import MlflowClient
c = MlflowClient()
r = c.get_run(sys.argv[1])
local = c.download_artifacts(r.info.run_id, "report.md", tempfile.mkdtemp())
print(json.dumps({"status": r.info.status, "params": r.data.params, "metrics": r.data.metrics, "report": open(local).read()}))
`;

describe("the mlflow tracker in the example project, through the zen CLI", () => {
  let service: MlflowService;
  let s: Sandbox;
  const { ok } = exampleCli(() => s);

  beforeAll(async () => {
    service = await requireMlflow();
    s = sandbox();
  });

  it("registers the flavor with secret references, runs the example, and shows the MLflow run", async () => {
    const flavors = JSON.parse(ok(["experiment-tracker", "flavor", "list", "--output", "json"]).stdout).items;
    expect(flavors.find((f: { name: string }) => f.name === "mlflow")).toMatchObject({
      type: "experiment_tracker",
      source: { kind: "package", package: "@zen/integration-mlflow" },
    });
    ok(["secrets-manager", "register", "local_secrets", "--flavor", "local"]);
    const literal = s.zen(
      [
        "experiment-tracker",
        "register",
        "bad",
        "--flavor",
        "mlflow",
        `--tracking_uri=${service.authTrackingUri}`,
        `--username=${service.adminUser}`,
        `--password=${service.adminPassword}`,
      ],
      { cwd: EXAMPLE_DIR },
    );
    expect(literal.status).toBe(1);
    expect(literal.stderr).toMatch(/secret reference/);
    expect(literal.stderr + literal.stdout).not.toContain(service.adminPassword);

    ok([
      "experiment-tracker",
      "register",
      "mlflow_tracker",
      "--flavor",
      "mlflow",
      `--tracking_uri=${service.authTrackingUri}`,
      "--username={{mlflow.username}}",
      "--password={{mlflow.password}}",
    ]);
    ok(["stack", "register", "tracked", "-o", "default", "-m", "default", "-a", "default", "-x", "local_secrets", "-e", "mlflow_tracker", "--set"]);
    ok(["secret", "register", "mlflow", `--username=${service.adminUser}`, `--password=${service.adminPassword}`]);

    const run = await runExample(s.env);
    if (run.status !== 0) throw new Error(`example: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
    const runName = /Run '([^']+)' on stack 'tracked'/.exec(run.stdout)?.[1];
    const url = /MLflow run: (\S+)/.exec(run.stdout)?.[1];
    expect(runName).toBeDefined();
    expect(url).toMatch(new RegExp(`^${service.authTrackingUri}/#/experiments/\\d+/runs/[0-9a-f]{32}$`));
    const runId = url!.split("/").pop()!;

    const read = await python(service, service.authTrackingUri, READ_BACK, [runId], {
      MLFLOW_TRACKING_USERNAME: service.adminUser,
      MLFLOW_TRACKING_PASSWORD: service.adminPassword,
    });
    expect(read.status).toBe("FINISHED");
    expect(read.params).toMatchObject({ "train.learningRate": "0.5", "train.epochs": "200", "train.l2": "0.001" });
    expect(read.metrics.accuracy).toBeGreaterThan(0.8);
    expect(read.report).toContain(`run ${runName}`);

    const described = ok(["pipeline", "runs", "describe", runName!]).stdout;
    expect(described).toMatch(new RegExp(`tracker run\\s+${url!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const json = JSON.parse(ok(["pipeline", "runs", "describe", runName!, "--output", "json"]).stdout).item;
    expect(json.trackerUrl).toBe(url);
    expect(json.links).toEqual({ experiment_tracker: url });
    expect(described + JSON.stringify(json) + run.stdout + run.stderr).not.toContain(service.adminPassword);

    // The URL is kept with the run's record: describe shows it without asking MLflow (the tracker now points nowhere).
    ok(["experiment-tracker", "update", "mlflow_tracker", `--tracking_uri=http://127.0.0.1:${await closedPort()}`]);
    expect(ok(["pipeline", "runs", "describe", runName!]).stdout).toMatch(new RegExp(`tracker run\\s+${url!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  }, 240_000);
});
