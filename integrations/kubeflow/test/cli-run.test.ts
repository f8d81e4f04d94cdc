/**
 * `zen pipeline run FILE` on a kubeflow stack, through the BUILT CLI: the orchestrator receives the
 * pipeline file relative to the project root (the image's working directory) whatever directory the
 * command ran in, and the tasks — kfp.local running each `zen step run` in the project directory —
 * find it there. Rebuild (`pnpm build`) before running it.
 */
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "@jest/globals";
import { makeTempDir, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { runOnKfpLocal, zenCli as zen, zenEnvironment } from "./kfp-local-runner.ts";
import { requireRegistry } from "../../../scripts/services/service-env.ts";
import { packageSpec } from "./fake-cluster.ts";
import { crane, pushTestBase } from "./test-base-image.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
let fake: KfpApiFake | undefined;
afterEach(async () => fake?.close());

/** A project using zen and the kubeflow integration (this checkout's, linked), with the sums pipeline in src/. */
function makeProject(root: string): string {
  const project = path.join(root, "project");
  mkdirSync(path.join(project, "src"), { recursive: true });
  mkdirSync(path.join(project, "node_modules/@zen"), { recursive: true });
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "kfp-cli-demo", private: true, type: "module", dependencies: { "@zen/core": "*", "@zen/integration-kubeflow": "*", zod: "*" } }),
  );
  writeFileSync(path.join(project, "src/pipeline.ts"), readFileSync(here("./fixtures/sums-pipeline.ts"), "utf8"));
  symlinkSync(here("../../../packages/core"), path.join(project, "node_modules/@zen/core"));
  symlinkSync(here(".."), path.join(project, "node_modules/@zen/integration-kubeflow"));
  symlinkSync(realpathSync(here("../node_modules/zod")), path.join(project, "node_modules/zod"));
  return project;
}

/** Registers, in `project`, local stores under `root` and the orchestrator `kfp` on the fake at `hostname` (with `options`), then runs `stackCommands`. */
async function registerKfpStack(env: Record<string, string>, project: string, root: string, hostname: string, options: string[], stackCommands: string[][]) {
  for (const args of [
    ["artifact-store", "register", "files", "--flavor", "local", `--path=${path.join(root, "artifacts")}`],
    ["metadata-store", "register", "meta", "--flavor", "sqlite", `--uri=${path.join(root, "metadata.db")}`],
    ["orchestrator", "register", "kfp", "--flavor", "kubeflow", `--kubeflow_hostname=${hostname}`, "--image=registry.example.com/app:1", ...options],
    ...stackCommands,
  ]) {
    expect(await zen(env, args, project)).toMatchObject({ code: 0 });
  }
}

describe("zen pipeline run on a kubeflow stack", () => {
  it("passes the pipeline file relative to the project root, which the tasks run from", async () => {
    const root = makeTempDir("zen-kfp-cli-run-");
    const env = zenEnvironment(root);
    const project = makeProject(root);
    const log: string[] = [];
    fake = await startKfpApiFake({
      onRunCreated: (run, text) => void runOnKfpLocal(env, run, text, log, project).then((state) => fake!.setRunStates(run.run_id, [state])),
    });
    const stack = ["stack", "register", "on-kfp", "-o", "kfp", "-a", "files", "-m", "meta"];
    await registerKfpStack(env, project, root, fake.url, ["--skip_local_validations=true"], [stack, ["stack", "set", "on-kfp"]]);
    // From src/, the file is `pipeline.ts`; inside the project (and the image) it is src/pipeline.ts.
    const result = await zen(env, ["pipeline", "run", "pipeline.ts", "--run-name", "from-src"], path.join(project, "src"));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Step 'check_result' finished");
    expect(result.stderr).toContain("Run 'from-src' completed");
    const upload = fake.exchanges.find((e) => e.path.endsWith("/pipelines/upload"))!;
    const args = packageSpec(upload.upload!.text).deploymentSpec.executors["exec-total"].container.args as string[];
    expect(args.slice(0, 2)).toEqual(["--pipeline", "src/pipeline.ts"]);
    expect(log.join("\n")).toMatch(/Step 'check_result' of run [0-9a-f-]+ completed/);
  }, 180_000);

  it("--dry-run writes the compiled spec and the image plan, and pushes and submits nothing", async () => {
    const registry = await requireRegistry();
    const unique = `${process.pid}-${Date.now().toString(36)}`;
    const base = pushTestBase(registry, `cli-base-${unique}`);
    const root = makeTempDir("zen-kfp-cli-dry-");
    const env = zenEnvironment(root);
    const project = makeProject(root);
    fake = await startKfpApiFake();
    for (const args of [
      ["container-registry", "register", "reg", "--flavor", "default", `--uri=${registry.host}/zen-kfp-dry/${unique}`],
      ["orchestrator", "register", "kfp", "--flavor", "kubeflow", `--kubeflow_hostname=${fake.url}`, `--base_image=${base}`, "--skip_local_validations=true"],
      ["stack", "register", "on-kfp", "-o", "kfp", "-a", "default", "-m", "default", "-c", "reg", "--set"],
    ]) {
      expect(await zen(env, args, project)).toMatchObject({ code: 0 });
    }
    const out = path.join(root, "out");
    const result = await zen(env, ["pipeline", "run", "src/pipeline.ts", "--dry-run", "--out", out], project);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toMatch(/push\s+code\s+sha256:/);
    const plan = JSON.parse(readFileSync(path.join(out, "kfp-sums.image-plan.json"), "utf8")) as {
      reference: string;
      layers: { name: string; push: boolean }[];
    };
    expect(plan.layers.map((l) => [l.name, l.push])).toEqual([
      ["dependencies", true],
      ["code", true],
    ]);
    expect(plan.reference).toMatch(new RegExp(`^${registry.host}/zen-kfp-dry/${unique}/zen-kfp-sums@sha256:`));
    const spec = packageSpec(readFileSync(path.join(out, "kfp-sums.kfp.yaml"), "utf8"));
    expect(spec.deploymentSpec.executors["exec-total"].container).toMatchObject({
      image: plan.reference,
      args: expect.arrayContaining(["--pipeline", "src/pipeline.ts"]),
    });
    // Nothing pushed, nothing sent.
    expect(() => crane(registry, "manifest", plan.reference)).toThrow();
    expect(fake.exchanges).toEqual([]);
  }, 180_000);

  it("synchronous=false returns at once with the run's URL; runs describe shows KFP's state, or why it cannot", async () => {
    const root = makeTempDir("zen-kfp-cli-detached-");
    const env = zenEnvironment(root);
    const project = makeProject(root);
    fake = await startKfpApiFake({ onRunCreated: (run) => fake!.setRunStates(run.run_id, ["RUNNING"]) });
    const stack = ["stack", "register", "on-kfp", "-o", "kfp", "-a", "files", "-m", "meta", "--set"];
    await registerKfpStack(env, project, root, fake.url, ["--synchronous=false", "--skip_local_validations=true"], [stack]);
    const result = await zen(env, ["pipeline", "run", "src/pipeline.ts", "--run-name", "detached-1"], project);
    expect(result.code).toBe(0);
    const runId = [...fake.runs.keys()][0]!;
    expect(result.stderr).toContain(`Kubeflow run: ${fake.url}/#/runs/details/${runId}`);
    expect(result.stdout).toContain("Run 'detached-1' of pipeline 'kfp_sums' submitted on stack 'on-kfp'; it runs remotely.");
    expect(result.stderr).toContain("Follow it with: zen pipeline runs describe detached-1");
    // Nothing followed the run.
    expect(fake.exchanges.filter((e) => e.method === "GET" && e.path.includes("/runs/"))).toEqual([]);

    const described = await zen(env, ["pipeline", "runs", "describe", "detached-1", "--output", "json"], project);
    expect(described.code).toBe(0);
    const item = (JSON.parse(described.stdout) as { item: Record<string, any> }).item;
    // Still running after the submitting process left (not completed, nor read as crashed).
    expect(item.status).toBe("running");
    expect(item.links).toEqual({ orchestrator: `${fake.url}/#/runs/details/${runId}` });
    expect(item.remoteRun).toEqual({ system: "Kubeflow Pipelines", id: runId, url: `${fake.url}/#/runs/details/${runId}`, state: "RUNNING" });
    const table = await zen(env, ["pipeline", "runs", "describe", "detached-1"], project);
    expect(table.stdout).toMatch(/remote run +Kubeflow Pipelines: RUNNING {2}http:\/\/127\.0\.0\.1:\d+\/#\/runs\/details\/[0-9a-f-]{36}\n/);
    const scheduled = await zen(env, ["pipeline", "run", "src/pipeline.ts", "--run-name", "nightly-1", "--schedule", "30 2 * * *"], project);
    expect(scheduled.code).toBe(0);
    expect(scheduled.stdout).toContain("Run 'nightly-1' of pipeline 'kfp_sums' scheduled (30 2 * * *) on stack 'on-kfp'; it runs remotely.");
    const recurring = [...fake.recurringRuns.values()][0]!;
    expect(recurring).toMatchObject({ display_name: "nightly-1", trigger: { cron_schedule: { cron: "0 30 2 * * *" } } });
    expect(scheduled.stderr).toContain(`Kubeflow recurring run (30 2 * * *): ${fake.url}/#/recurringrun/details/${String(recurring.recurring_run_id)}`);
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const offline = await zen(env, ["pipeline", "runs", "describe", "detached-1"], project);
    expect(offline.code).toBe(0);
    const unreachable = `The Kubeflow Pipelines API at ${url} cannot be reached to read run ${runId}.`;
    expect(offline.stdout).toContain(`Kubeflow Pipelines: state unknown (${unreachable})  ${url}/#/runs/details/${runId}`);
  }, 120_000);

  it("--schedule on a stack whose orchestrator cannot schedule is refused, naming the orchestrator", async () => {
    const root = makeTempDir("zen-kfp-cli-schedule-local-");
    const env = zenEnvironment(root);
    const project = makeProject(root);
    const result = await zen(env, ["pipeline", "run", "src/pipeline.ts", "--schedule", "30 2 * * *"], project);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("The orchestrator 'default' (local) of stack 'default' cannot schedule runs.");
    // Nothing was recorded.
    const runs = await zen(env, ["pipeline", "runs", "list", "--output", "json"], project);
    expect(JSON.parse(runs.stdout)).toMatchObject({ items: [] });
  }, 60_000);

  it("--dry-run on a local stack says there is nothing to submit", async () => {
    const root = makeTempDir("zen-kfp-cli-dry-local-");
    const env = zenEnvironment(root);
    const project = makeProject(root);
    const result = await zen(env, ["pipeline", "run", "src/pipeline.ts", "--dry-run"], project);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has nothing to submit, so no dry run");
  }, 60_000);
});
