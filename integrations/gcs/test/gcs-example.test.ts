/**
 * The `gcs` flavor end to end: listed in the cloud-stores example with its package, the quickstart
 * pipeline run in its own process on a GCS stack (fake-gcs-server) with the service-account key as
 * a secret reference, artifacts as real objects read back after that process exited, and the key
 * nowhere in clear.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import { PipelineRepository } from "@zen/core";
import { makeProject } from "@zen/test-utils";
import { EXAMPLE_DIR, harness, type Harness } from "../../../examples/cloud-stores/test-support/harness.ts";
import { requireGcs, uniqueBucketName, type GcsService } from "../../../scripts/services/service-env.ts";

const ok = (result: { status: number; stdout: string; stderr: string }) => {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result;
};

describe("the gcs flavor in a user's project", () => {
  let gcs: GcsService;
  let storage: Storage;
  let bucket: string;
  let h: Harness;
  // A well-formed service-account key (never used for auth against the emulator's custom endpoint).
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = JSON.stringify({
    type: "service_account",
    project_id: "zen-test",
    client_email: "zen@zen-test.iam.gserviceaccount.com",
    private_key: privateKey,
  });
  const keyMarker = privateKey.split("\n")[5]!;

  beforeAll(async () => {
    gcs = await requireGcs();
    bucket = uniqueBucketName("zen-example");
    storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: gcs.projectId });
    await storage.createBucket(bucket);
    h = harness();
  });

  afterAll(async () => {
    h?.remove();
  });

  it("is listed with its package in the example project only", () => {
    const flavors = JSON.parse(ok(h.zen(["artifact-store", "flavor", "list", "--output", "json"])).stdout).items;
    expect(flavors.find((f: { name: string }) => f.name === "gcs")).toMatchObject({ source: { kind: "package", package: "@zen/integration-gcs" } });
    const elsewhere = JSON.parse(ok(h.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: makeProject() })).stdout).items;
    expect(elsewhere.map((f: { name: string }) => f.name)).not.toContain("gcs");
  }, 60_000);

  it("runs the quickstart pipeline on a GCS stack; the artifacts are objects read back after the run's process exited", async () => {
    const keyFile = join(h.configDir, "..", "key.json");
    writeFileSync(keyFile, key);
    ok(h.zen(["secrets-manager", "register", "local_secrets", "--flavor", "local"]));
    ok(
      h.zen([
        "artifact-store",
        "register",
        "gcs_store",
        "--flavor",
        "gcs",
        `--path=gs://${bucket}/zen`,
        `--api_endpoint=${gcs.endpoint}`,
        "--service_account_key={{gcp.key}}",
      ]),
    );
    ok(h.zen(["stack", "register", "gcs_stack", "-o", "default", "-m", "default", "-a", "gcs_store", "-x", "local_secrets", "--set"]));
    ok(h.zen(["secret", "register", "gcp", `--key=@${keyFile}`]));
    ok(h.zen(["artifact-store", "verify"]));

    const run = await h.runExample([]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const runName = /Run '([^']+)' on stack 'gcs_stack'/.exec(run.stdout)?.[1];

    const [files] = await storage.bucket(bucket).getFiles({ prefix: "zen/" });
    const keys = files.map((f) => f.name).filter((k) => !k.endsWith("/"));
    expect(keys.map((k) => k.split("/").slice(2, 4).join("/")).sort()).toEqual(
      ["evaluate/output", "load_data/output", "report/output", "split/test", "split/train", "train/output"].sort(),
    );
    for (const k of keys) expect(k).toMatch(/^zen\/quickstart\/[a-z_]+\/[a-z]+\/[0-9a-f-]{36}\/data\.(json|txt)$/);

    const repository = await PipelineRepository.open({ zen: { cwd: EXAMPLE_DIR, env: h.env } });
    const recorded = await repository.getRun(runName!);
    expect(recorded.status).toBe("completed");
    const model = recorded.getStep("train").output;
    expect(model.uri.startsWith(`gs://${bucket}/zen/quickstart/train/output/`)).toBe(true);
    expect(((await model.read()) as { classes: string[] }).classes).toHaveLength(3);

    const shown = [
      ok(h.zen(["artifact-store", "describe", "gcs_store", "--output", "json"])).stdout,
      ok(h.zen(["pipeline", "runs", "describe", runName!, "--output", "json"])).stdout,
      run.stdout + run.stderr,
      h.configText(),
    ].join("\n");
    expect(shown).toContain("{{gcp.key}}");
    expect(shown).not.toContain(keyMarker);
  }, 180_000);
});
