/**
 * The `mlflow` model deployer as a user meets it, with the BUILT `zen` (`pnpm build` first): the
 * example project run in its own process on a stack with the mlflow tracker and deployer, the `curl`
 * it prints answered, then the service found, stopped, restarted and deleted by later `zen`
 * processes (`zen model-deployer models …`).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sandbox, type Sandbox } from "../../../packages/cli/test/run-zen.ts";
import { requireMlflow, type MlflowService } from "../../../scripts/services/service-env.ts";
import { exampleCli, runExample } from "./mlflow-example-project.ts";

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

describe("the mlflow model deployer in the example project, through the zen CLI", () => {
  let service: MlflowService;
  let s: Sandbox;
  const { zen, ok } = exampleCli(() => s);
  const json = (args: string[]) => JSON.parse(ok([...args, "--output", "json"]).stdout);

  beforeAll(async () => {
    service = await requireMlflow();
    s = sandbox();
  });

  afterAll(() => {
    // The service must not outlive the test, even when the CLI cannot run (a failed test, a build under way).
    if (!s) return;
    zen(["model-deployer", "models", "delete", "mlflow_quickstart", "-y"]);
    const stores = join(s.configDir, "local_stores");
    for (const component of existsSync(stores) ? readdirSync(stores) : []) {
      const services = join(stores, component, "services");
      for (const name of existsSync(services) ? readdirSync(services) : []) {
        const pidFile = join(services, name, "pid");
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0;
        if (pid > 0) killGroup(pid);
      }
    }
  });

  it("deploys the quickstart model in a run, answers the printed curl, and is managed by later zen processes", async () => {
    ok(["experiment-tracker", "register", "mlflow_tracker", "--flavor", "mlflow", `--tracking_uri=${service.trackingUri}`]);
    ok(["model-deployer", "register", "mlflow_deployer", "--flavor", "mlflow", `--tracking_uri=${service.trackingUri}`]);
    const flavor = json(["model-deployer", "flavor", "describe", "mlflow"]).item;
    expect(JSON.stringify(flavor)).toContain("service_path");
    ok(["stack", "register", "served", "-o", "default", "-m", "default", "-a", "default", "-e", "mlflow_tracker", "-d", "mlflow_deployer", "--set"]);

    const run = await runExample(s.env);
    if (run.status !== 0) throw new Error(`example: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toMatch(/MLflow run: http/);
    const curl = /^curl .*$/m.exec(run.stdout)?.[0];
    expect(curl).toMatch(/^curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/invocations -H 'Content-Type: application\/json' -d '\{"dataframe_split"/);
    expect(JSON.parse(execFileSync("sh", ["-c", curl!], { encoding: "utf8", timeout: 30_000 }))).toEqual({ predictions: ["setosa"] });

    // Another process finds the service the example's process started.
    const [listed] = json(["model-deployer", "models", "list"]).items;
    expect(listed).toMatchObject({ name: "mlflow_quickstart", model: "mlflow_quickstart", runtime: "node", status: "running" });
    expect(curl).toContain(listed.predictionUrl);
    const table = ok(["model-deployer", "models", "list"]).stdout;
    expect(table).toMatch(/mlflow_quickstart\s.*\snode\s.*\srunning\s.*http:\/\/127\.0\.0\.1:\d+\/invocations/);
    const described = json(["model-deployer", "models", "describe", "mlflow_quickstart"]).item;
    expect(described.details).toMatchObject({ health: "answering", modelUri: `models:/mlflow_quickstart/${listed.version}` });

    expect(ok(["model-deployer", "models", "stop", "mlflow_quickstart"]).stdout).toContain("is stopped");
    expect(json(["model-deployer", "models", "describe", "mlflow_quickstart"]).item).toMatchObject({ status: "stopped", pid: null });
    expect(() => execFileSync("sh", ["-c", curl!], { encoding: "utf8", timeout: 30_000 })).toThrow();

    expect(ok(["model-deployer", "models", "start", "mlflow_quickstart"]).stdout).toContain(`POST ${listed.predictionUrl}`);
    expect(JSON.parse(execFileSync("sh", ["-c", curl!], { encoding: "utf8", timeout: 30_000 }))).toEqual({ predictions: ["setosa"] });
    expect(ok(["model-deployer", "models", "logs", "mlflow_quickstart", "--tail", "5"]).stdout).toContain("zen prediction server:");

    expect(json(["model-deployer", "models", "list", "--deployer", "mlflow_deployer"]).items.map((i: { name: string }) => i.name)).toEqual([
      "mlflow_quickstart",
    ]);
    const badTail = zen(["model-deployer", "models", "logs", "mlflow_quickstart", "--tail", "x"]);
    expect(badTail.status).toBe(2);
    expect(badTail.stderr).toContain("Invalid --tail 'x'");

    const unknown = zen(["model-deployer", "models", "describe", "nope"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/has no service 'nope'[\s\S]*mlflow_quickstart/);

    ok(["model-deployer", "models", "delete", "mlflow_quickstart", "-y"]);
    expect(json(["model-deployer", "models", "list"]).items).toEqual([]);
    expect(() => execFileSync("sh", ["-c", curl!], { encoding: "utf8", timeout: 30_000 })).toThrow();
  }, 240_000);
});
