/**
 * The `s3` flavor end to end, as a user meets it: discovery through package.json (a project
 * without the package vs the cloud-stores example that depends on it), registration with secret
 * references, the quickstart pipeline run in its own process on an S3 stack (versitygw), its
 * artifacts as real objects read back after that process exited, `zen artifact-store verify`, and
 * a run against an unreachable endpoint failing before any step.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { PipelineRepository } from "@zen/core";
import { closedPort, makeProject } from "@zen/test-utils";
import { EXAMPLE_DIR, harness, type Harness } from "../../../examples/cloud-stores/test-support/harness.ts";
import { requireS3, uniqueBucketName, type S3Service } from "../../../scripts/services/service-env.ts";

const ok = (result: { status: number; stdout: string; stderr: string }) => {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result;
};

describe("the s3 flavor in a user's project", () => {
  let s3: S3Service;
  let client: S3Client;
  let bucket: string;
  let h: Harness;

  beforeAll(async () => {
    s3 = await requireS3();
    bucket = uniqueBucketName("zen-example");
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    h = harness();
    ok(h.zen(["secrets-manager", "register", "local_secrets", "--flavor", "local"]));
  }, 120_000);

  afterAll(() => {
    client?.destroy();
    h?.remove();
  });

  it("is not listed in a project without @zen/integration-s3, where registering it names the package", () => {
    const project = makeProject();
    const flavors = JSON.parse(ok(h.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project })).stdout).items;
    expect(flavors.map((f: { name: string }) => f.name)).not.toContain("s3");
    const register = h.zen(["artifact-store", "register", "s3_store", "--flavor", "s3", "--path=s3://bucket/zen"], { cwd: project });
    expect(register.status).toBe(1);
    expect(register.stderr).toMatch(/@zen\/integration-s3/);
    expect(register.stderr).toMatch(/npm (install|i) @zen\/integration-s3/);
  }, 60_000);

  it("is listed with its package in the example project, and refuses a non-s3:// path with the reason", () => {
    const flavors = JSON.parse(ok(h.zen(["artifact-store", "flavor", "list", "--output", "json"])).stdout).items;
    const s3Flavor = flavors.find((f: { name: string }) => f.name === "s3");
    expect(s3Flavor).toMatchObject({ name: "s3", type: "artifact_store", source: { kind: "package", package: "@zen/integration-s3" } });
    const refused = h.zen(["artifact-store", "register", "wrong", "--flavor", "s3", "--path=gs://bucket/zen"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("path must start with s3:// followed by a bucket name");
    const literal = h.zen([
      "artifact-store",
      "register",
      "wrong",
      "--flavor",
      "s3",
      "--path=s3://bucket/zen",
      `--access_key_id=${s3.accessKeyId}`,
      "--secret_access_key={{s3.secret}}",
    ]);
    expect(literal.status).toBe(1);
    expect(literal.stderr).toMatch(/secret reference/);
    expect(literal.stderr + literal.stdout).not.toContain(s3.accessKeyId);
  }, 60_000);

  const quickstart =
    "runs the quickstart pipeline on an S3 stack: real objects at the documented keys, read back after the run's process exited, secrets never in clear";
  it(quickstart, async () => {
    ok(
      h.zen([
        "artifact-store",
        "register",
        "s3_store",
        "--flavor",
        "s3",
        `--path=s3://${bucket}/zen`,
        `--endpoint_url=${s3.endpoint}`,
        `--region=${s3.region}`,
        "--access_key_id={{s3_creds.access_key_id}}",
        "--secret_access_key={{s3_creds.secret_access_key}}",
      ]),
    );
    ok(h.zen(["stack", "register", "s3_stack", "-o", "default", "-m", "default", "-a", "s3_store", "-x", "local_secrets", "--set"]));
    ok(h.zen(["secret", "register", "s3_creds", `--access_key_id=${s3.accessKeyId}`, `--secret_access_key=${s3.secretAccessKey}`]));

    const run = await h.runExample([]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const runName = /Run '([^']+)' on stack 's3_stack'/.exec(run.stdout)?.[1];
    expect(runName).toBeDefined();

    // The artifacts are objects under <path>/<pipeline>/<step>/<output>/<artifact id>/.
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "zen/" }));
    const all = (listed.Contents ?? []).map((o) => o.Key!).sort();
    // Besides the files, each artifact directory has its zero-byte marker object (`…/<artifact id>/`).
    const keys = all.filter((k) => !k.endsWith("/"));
    const layout = /^zen\/quickstart\/(load_data|split|train|evaluate|report)\/(output|train|test)\/[0-9a-f-]{36}\/data\.(json|txt)$/;
    expect(keys.filter((k) => !layout.test(k))).toEqual([]);
    expect(all.filter((k) => k.endsWith("/")).sort()).toEqual(keys.map((k) => k.slice(0, k.lastIndexOf("/") + 1)).sort());
    expect(keys.map((k) => k.split("/").slice(2, 4).join("/")).sort()).toEqual(
      ["evaluate/output", "load_data/output", "report/output", "split/test", "split/train", "train/output"].sort(),
    );

    // The post-execution API, from this process, after the run's process has exited.
    const repository = await PipelineRepository.open({ zen: { cwd: EXAMPLE_DIR, env: h.env } });
    const recorded = await repository.getRun(runName!);
    expect(recorded.status).toBe("completed");
    const trainOutput = recorded.getStep("train").output;
    expect(trainOutput.uri.startsWith(`s3://${bucket}/zen/quickstart/train/output/`)).toBe(true);
    expect(keys).toContain(`${trainOutput.uri.slice(`s3://${bucket}/`.length)}/data.json`);
    const model = (await trainOutput.read()) as { classes: string[] };
    expect(model.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(String(await recorded.getStep("report").output.read())).toContain("accuracy");

    // The secret values appear nowhere: not in the stores, describe, run metadata or the run's output.
    const shown = [
      ok(h.zen(["artifact-store", "describe", "s3_store", "--output", "json"])).stdout,
      ok(h.zen(["stack", "describe", "s3_stack", "--output", "yaml"])).stdout,
      ok(h.zen(["pipeline", "runs", "describe", runName!, "--output", "json"])).stdout,
      run.stdout + run.stderr,
      h.configText(),
    ].join("\n");
    expect(shown).toContain("{{s3_creds.secret_access_key}}");
    expect(shown).not.toContain(s3.secretAccessKey);
    expect(shown).not.toContain(s3.accessKeyId);
  }, 180_000);

  it("verifies the store with `zen artifact-store verify`, and names a missing bucket and rejected credentials", () => {
    const verified = ok(h.zen(["artifact-store", "verify", "s3_store"]));
    expect(verified.stdout).toContain("Wrote, read back and deleted a probe object");
    const json = JSON.parse(ok(h.zen(["stack", "verify", "s3_stack", "--output", "json"])).stdout).item;
    expect(json).toMatchObject({ store: "s3_store", flavor: "s3", ok: true });

    ok(
      h.zen([
        "artifact-store",
        "register",
        "s3_nobucket",
        "--flavor",
        "s3",
        "--path=s3://zen-no-such-bucket/zen",
        `--endpoint_url=${s3.endpoint}`,
        "--access_key_id={{s3_creds.access_key_id}}",
        "--secret_access_key={{s3_creds.secret_access_key}}",
      ]),
    );
    ok(h.zen(["stack", "register", "nobucket_stack", "-o", "default", "-m", "default", "-a", "s3_nobucket", "-x", "local_secrets"]));
    const missing = h.zen(["artifact-store", "verify", "s3_nobucket"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("Error: The S3 bucket 'zen-no-such-bucket' of artifact store 's3_nobucket' does not exist.");

    ok(h.zen(["secret", "register", "wrong_creds", `--access_key_id=${s3.accessKeyId}`, "--secret_access_key=definitely-wrong"]));
    ok(
      h.zen([
        "artifact-store",
        "register",
        "s3_badcreds",
        "--flavor",
        "s3",
        `--path=s3://${bucket}/zen`,
        `--endpoint_url=${s3.endpoint}`,
        "--access_key_id={{wrong_creds.access_key_id}}",
        "--secret_access_key={{wrong_creds.secret_access_key}}",
      ]),
    );
    ok(h.zen(["stack", "register", "badcreds_stack", "-o", "default", "-m", "default", "-a", "s3_badcreds", "-x", "local_secrets"]));
    const rejected = h.zen(["artifact-store", "verify", "s3_badcreds"]);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toContain("Error: The S3 service rejected the credentials of artifact store 's3_badcreds' (SignatureDoesNotMatch).");
    expect(rejected.stderr).not.toContain("definitely-wrong");
  }, 120_000);

  it("fails a run on an unreachable endpoint before any step, and never records it as completed", async () => {
    const port = await closedPort();
    ok(
      h.zen([
        "artifact-store",
        "register",
        "s3_down",
        "--flavor",
        "s3",
        `--path=s3://${bucket}/down`,
        `--endpoint_url=http://127.0.0.1:${port}`,
        "--access_key_id={{s3_creds.access_key_id}}",
        "--secret_access_key={{s3_creds.secret_access_key}}",
      ]),
    );
    ok(h.zen(["stack", "register", "down_stack", "-o", "default", "-m", "default", "-a", "s3_down", "-x", "local_secrets"]));
    const verify = h.zen(["artifact-store", "verify", "s3_down"]);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(`Error: Artifact store 's3_down' cannot reach the S3 endpoint http://127.0.0.1:${port} (ECONNREFUSED).`);

    const started = Date.now();
    const run = await h.runExample(["--stack", "down_stack"]);
    expect(run.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stderr).toContain(`cannot reach the S3 endpoint http://127.0.0.1:${port}`);
    expect(run.stderr).not.toMatch(/Step '[a-z_]+' started/);

    const runs = JSON.parse(ok(h.zen(["pipeline", "runs", "list", "--output", "json"])).stdout).items as {
      status: string;
      stack: { name: string };
      steps: { status: string }[];
    }[];
    const down = runs.filter((r) => r.stack.name === "down_stack");
    expect(down.length).toBeGreaterThan(0);
    for (const r of down) {
      expect(r.status).not.toBe("completed");
      expect(r.steps.every((s) => s.status !== "completed" && s.status !== "running")).toBe(true);
    }
  }, 120_000);
});
