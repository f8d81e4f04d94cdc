/**
 * The compiled quickstart on Kubeflow's own local runner against the real S3 server (versitygw) and
 * the MariaDB metadata store that scripts/services runs: every task runs the built `zen step run` in
 * a project that installs the s3 and mysql integrations, its stack naming the same bucket and
 * database (the password as a secret reference); artifacts are read back through the launching
 * process's `PipelineRepository`, and a second run comes from zen's cache. Rebuild before running it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "@jest/globals";
import { PipelineRepository, type LoadedStack } from "@zen/core";
import { makeTempDir, projectWithPackages, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { quickstart } from "../../../examples/quickstart/src/pipeline.ts";
import { MySqlMetadataStore } from "../../mysql/src/mysql-metadata-store.ts";
import { mysqlTestDatabase } from "../../mysql/test/mysql-test-database.ts";
import { s3TestBucket } from "../../s3/test/s3-test-bucket.ts";
import { kfpOrchestrator, runOnKfpLocal, zenCli, zenEnvironment } from "./kfp-local-runner.ts";

const PIPELINE = fileURLToPath(new URL("../../../examples/quickstart/src/pipeline.ts", import.meta.url));
const INTEGRATIONS = fileURLToPath(new URL("../../", import.meta.url));
let fake: KfpApiFake | undefined;
afterEach(async () => fake?.close());

describe("the quickstart on kfp.local with S3 and MariaDB", () => {
  it("completes every step in host processes, its artifacts readable, and runs again from zen's cache", async () => {
    const db = await mysqlTestDatabase("zen_kfp");
    const bucket = await s3TestBucket("zen-kfp");
    const root = makeTempDir("zen-kfp-team-");
    const env = {
      ...zenEnvironment(root),
      AWS_ACCESS_KEY_ID: bucket.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: bucket.s3.secretAccessKey,
      AWS_REGION: bucket.s3.region,
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const project = projectWithPackages({
      "@zen/integration-s3": path.join(INTEGRATIONS, "s3"),
      "@zen/integration-mysql": path.join(INTEGRATIONS, "mysql"),
    });
    const s3Path = `s3://${bucket.bucket}/zen`;
    for (const args of [
      ["secrets-manager", "register", "vault", "--flavor", "local"],
      ["artifact-store", "register", "bucket", "--flavor", "s3", `--path=${s3Path}`, `--endpoint_url=${bucket.s3.endpoint}`, `--region=${bucket.s3.region}`],
      [
        "metadata-store",
        "register",
        "team",
        "--flavor",
        "mysql",
        `--host=${db.config.host}`,
        `--port=${db.config.port}`,
        `--database=${db.name}`,
        `--username=${db.config.username}`,
        "--password={{db.password}}",
      ],
      ["stack", "register", "pods", "-o", "default", "-a", "bucket", "-m", "team", "-x", "vault"],
      ["stack", "set", "pods"],
      ["secret", "register", "db", `--password=${db.config.password}`],
    ]) {
      const result = await zenCli(env, args, project);
      expect({ args, ...result }).toMatchObject({ code: 0 });
    }
    const log: string[] = [];
    fake = await startKfpApiFake({
      onRunCreated: (run, text) => void runOnKfpLocal(env, run, text, log, project).then((state) => fake!.setRunStates(run.run_id, [state])),
    });
    const artifactStore = bucket.store({ path: s3Path }, "bucket");
    const metadataStore = new MySqlMetadataStore({ id: "team", name: "team", flavor: "mysql", config: db.config, configDir: root });
    const orchestrator = kfpOrchestrator(fake.url, root, 100);
    const stack = {
      name: "pods",
      orchestrator,
      artifactStore,
      metadataStore,
      components: { orchestrator, artifact_store: artifactStore, metadata_store: metadataStore },
    } as LoadedStack;
    try {
      const view = await quickstart.run({ stack, runName: "kfp-team-1", onEvent: false, handleSignals: false, pipeline_file: PIPELINE });
      expect(view.status).toBe("completed");
      expect(Object.fromEntries(view.steps.map((s) => [s.name, s.status]))).toEqual({
        load_data: "completed",
        split: "completed",
        train: "completed",
        evaluate: "completed",
        report: "completed",
      });
      const repository = new PipelineRepository({ metadataStore, artifactStore });
      const run = await repository.getRun("kfp-team-1");
      const report = (await run.getStep("report").output.read()) as string;
      expect(report).toContain("# quickstart: run kfp-team-1");
      expect(run.getStep("report").output.uri).toMatch(new RegExp(`^${s3Path}/`));

      const again = await quickstart.run({ stack, runName: "kfp-team-2", onEvent: false, handleSignals: false, pipeline_file: PIPELINE });
      expect(again.steps.every((s) => s.status === "cached")).toBe(true);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nkfp.local:\n${log.join("\n").slice(-3000)}`);
    } finally {
      await metadataStore.close();
      await bucket.dispose();
      await db.drop();
    }
  }, 300_000);
});
