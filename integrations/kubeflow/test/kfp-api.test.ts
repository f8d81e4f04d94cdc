/**
 * The KFP REST API v2beta1, contract-tested (no cluster can run here): zen's client talks to a fake
 * whose every request and response body is checked against the v2beta1 models of Kubeflow's own
 * `kfp-server-api`, and whose wire reference is the official Python `kfp.Client`, recorded against
 * the same fake.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { isZenError } from "@zen/core";
import { makeTempDir, startKfpApiFake, type KfpApiFake, type KfpExchange } from "@zen/test-utils";
import { quickstart } from "../../../examples/quickstart/src/pipeline.ts";
import { compilePipeline, pipelinePackageText } from "../src/compile.ts";
import { KfpClient } from "../src/kfp-client.ts";
import { followRun, submitPipeline } from "../src/submit.ts";
import { kfpCheckOk } from "./kfp-python.ts";

const TOKEN = "t0k-contract";
let fake: KfpApiFake | undefined;
afterEach(async () => fake?.close());

function packageText(): string {
  return pipelinePackageText(
    compilePipeline(quickstart.build(), { image: `registry.example.com/zen/app@sha256:${"c".repeat(64)}`, pipelineFile: "src/pipeline.ts" }),
  );
}

/** Every body against its kfp-server-api model. */
async function modelProblems(exchanges: readonly KfpExchange[]): Promise<string[]> {
  const items = exchanges.flatMap((e, i) => [
    ...(e.requestModel && e.body !== undefined ? [{ model: e.requestModel, body: e.body, label: `request ${i} ${e.method} ${e.path}` }] : []),
    { model: e.responseModel, body: e.response, label: `response ${i} ${e.method} ${e.path}` },
  ]);
  return kfpCheckOk<string[]>(["check-models"], items);
}

const shape = (e: KfpExchange) => `${e.method} ${e.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")}`;

describe("KFP API v2beta1, zen's client against the official kfp.Client", () => {
  it("sends the requests kfp.Client sends: paths, methods, fields, multipart upload, bearer token", async () => {
    fake = await startKfpApiFake({ token: TOKEN });
    const file = path.join(makeTempDir("zen-kfp-wire-"), "quickstart.yaml");
    writeFileSync(file, packageText());
    const official = await kfpCheckOk<{ run_id: string; state: string }>(["client-wire", fake.url, file, TOKEN]);
    expect(official.state).toBe("PENDING");
    const theirs = [...fake.exchanges];
    fake.exchanges.length = 0;

    const client = new KfpClient(fake.url, { token: TOKEN });
    const submitted = await submitPipeline(client, {
      pipelineName: "quickstart",
      packageText: packageText(),
      experiment: "quickstart",
      runName: "quickstart-run-1",
      parameters: { zen_run_id: "run-1" },
    });
    expect((await client.getRun(submitted.runId!)).state).toBe("PENDING");
    const ours = [...fake.exchanges];

    expect([...theirs, ...ours].every((e) => e.status === 200)).toBe(true);
    expect(await modelProblems([...theirs, ...ours])).toEqual([]);
    for (const exchanges of [theirs, ours]) expect(new Set(exchanges.map((e) => e.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
    // Every kind of request zen sends, kfp.Client sends too, the same way.
    const theirShapes = new Set(theirs.map(shape));
    expect(ours.map(shape).filter((s) => !theirShapes.has(s))).toEqual([]);
    const find = (list: KfpExchange[], s: string) => list.find((e) => shape(e) === s)!;
    const [theirUpload, ourUpload] = [find(theirs, "POST /apis/v2beta1/pipelines/upload"), find(ours, "POST /apis/v2beta1/pipelines/upload")];
    expect(ourUpload.upload!.field).toBe(theirUpload.upload!.field);
    expect(Object.keys(ourUpload.query).sort()).toEqual(expect.arrayContaining(Object.keys(theirUpload.query).sort()));
    const [theirList, ourList] = [find(theirs, "GET /apis/v2beta1/pipelines"), find(ours, "GET /apis/v2beta1/pipelines")];
    expect(JSON.parse(ourList.query.filter!).predicates.map((p: Record<string, unknown>) => Object.keys(p).sort())).toEqual(
      JSON.parse(theirList.query.filter!).predicates.map((p: Record<string, unknown>) => Object.keys(p).sort()),
    );
    const [theirRun, ourRun] = [find(theirs, "POST /apis/v2beta1/runs"), find(ours, "POST /apis/v2beta1/runs")] as { body: Record<string, any> }[];
    expect(Object.keys(ourRun!.body).sort()).toEqual(Object.keys(theirRun!.body).sort());
    expect(Object.keys(ourRun!.body.pipeline_version_reference).sort()).toEqual(Object.keys(theirRun!.body.pipeline_version_reference).sort());
    expect(ourRun!.body.runtime_config).toEqual(theirRun!.body.runtime_config);
    const uploaded = fake.packages.get(submitted.versionId)!;
    expect(JSON.parse(uploaded.replace(/^#.*\n/gm, "")).pipelineInfo.name).toBe("quickstart");
  });

  it("uploads a new version of an existing pipeline, schedules recurring runs, and follows a run to its final state", async () => {
    fake = await startKfpApiFake({ token: TOKEN });
    const client = new KfpClient(fake.url, { token: TOKEN });
    const submission = { pipelineName: "quickstart", packageText: packageText(), experiment: "nightly", runName: "r1", parameters: { zen_run_id: "a" } };
    const first = await submitPipeline(client, submission);
    const second = await submitPipeline(client, { ...submission, runName: "r2" });
    expect(second.pipelineId).toBe(first.pipelineId);
    expect(second.versionId).not.toBe(first.versionId);
    expect(second.experimentId).toBe(first.experimentId);
    expect(fake.exchanges.filter((e) => e.path.endsWith("/upload_version"))).toHaveLength(1);

    const scheduled = await submitPipeline(client, { ...submission, runName: "r3", schedule: "0 0 3 * * *" });
    expect(scheduled.recurringRunId).toBeDefined();
    const recurring = fake.exchanges.find((e) => e.path.endsWith("/recurringruns"))!;
    expect((recurring.body as Record<string, any>).trigger).toEqual({ cron_schedule: { cron: "0 0 3 * * *" } });

    fake.setRunStates(first.runId!, ["PENDING", "RUNNING", "RUNNING", "SUCCEEDED"]);
    const seen: string[] = [];
    expect(await followRun(client, first.runId!, { timeoutMs: 10_000, intervalMs: 10, onPoll: (s) => void seen.push(s) })).toBe("SUCCEEDED");
    expect(seen).toEqual(["PENDING", "RUNNING", "RUNNING", "SUCCEEDED"]);
    expect(await modelProblems(fake.exchanges)).toEqual([]);
  });

  it("shows KFP's googleRpcStatus message, and a refused upload is an error", async () => {
    fake = await startKfpApiFake({ token: TOKEN });
    const client = new KfpClient(fake.url, { token: TOKEN });
    fake.failNext(400, 'Failed to upload pipeline: invalid pipeline spec: unknown field "retries"');
    const error = await client.uploadPipeline("quickstart", packageText()).catch((e: unknown) => e);
    expect(isZenError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Kubeflow Pipelines refused to upload pipeline 'quickstart' (HTTP 400): Failed to upload pipeline: invalid pipeline spec: unknown field \"retries\"",
    );
    const unauthenticated = await new KfpClient(fake.url, { token: "wrong" }).getRun("x").catch((e: unknown) => e);
    expect((unauthenticated as { code: string }).code).toBe("ZEN_KFP_AUTH");
    expect(await modelProblems(fake.exchanges)).toEqual([]);
  });

  it("schedules a recurring run as kfp.Client.create_recurring_run does, and finds runs by name as kfp.Client lists them", async () => {
    fake = await startKfpApiFake({ token: TOKEN });
    const file = path.join(makeTempDir("zen-kfp-wire-recurring-"), "quickstart.yaml");
    writeFileSync(file, packageText());
    const official = await kfpCheckOk<{ recurring_run_id: string; status: string }>(["client-wire-recurring", fake.url, file, TOKEN]);
    expect(official.status).toBe("ENABLED");
    const theirs = [...fake.exchanges];
    fake.exchanges.length = 0;

    const client = new KfpClient(fake.url, { token: TOKEN });
    const submission = {
      pipelineName: "quickstart",
      packageText: packageText(),
      experiment: "nightly",
      runName: "nightly",
      parameters: { zen_run_id: "run-1" },
    };
    const submitted = await submitPipeline(client, { ...submission, schedule: "30 2 * * *" });
    expect(submitted.runId).toBeUndefined();
    expect((await client.getRecurringRun(submitted.recurringRunId!)).status).toBe("ENABLED");
    expect(await client.findRuns("nightly")).toEqual([]);
    expect((await client.findRecurringRuns("nightly")).map((r) => r.recurring_run_id)).toEqual([submitted.recurringRunId]);
    const ours = [...fake.exchanges];

    expect([...theirs, ...ours].every((e) => e.status === 200)).toBe(true);
    expect(await modelProblems([...theirs, ...ours])).toEqual([]);
    const theirShapes = new Set(theirs.map(shape));
    expect(ours.map(shape).filter((s) => !theirShapes.has(s))).toEqual([]);
    const find = (list: KfpExchange[], s: string) => list.find((e) => shape(e) === s)!;
    const [theirs1, ours1] = [find(theirs, "POST /apis/v2beta1/recurringruns"), find(ours, "POST /apis/v2beta1/recurringruns")] as {
      body: Record<string, any>;
    }[];
    expect(Object.keys(ours1!.body).sort()).toEqual(Object.keys(theirs1!.body).sort());
    // A five-field cron gets KFP's seconds field; the rest as kfp.Client sends it.
    expect(ours1!.body.trigger).toEqual({ cron_schedule: { cron: "0 30 2 * * *" } });
    expect(ours1!.body.trigger).toEqual(theirs1!.body.trigger);
    for (const key of ["mode", "no_catchup", "runtime_config"]) expect(ours1!.body[key]).toEqual(theirs1!.body[key]);
    expect(String(ours1!.body.max_concurrency)).toBe(String(theirs1!.body.max_concurrency));
    expect(Object.keys(ours1!.body.pipeline_version_reference).sort()).toEqual(Object.keys(theirs1!.body.pipeline_version_reference).sort());
    for (const list of ["GET /apis/v2beta1/runs", "GET /apis/v2beta1/recurringruns"]) {
      // kfp.Client also sends an empty page_token (and namespace) when it has none; the filter is the same.
      expect(Object.keys(find(theirs, list).query)).toEqual(expect.arrayContaining(Object.keys(find(ours, list).query)));
      expect(JSON.parse(find(ours, list).query.filter!)).toEqual(JSON.parse(find(theirs, list).query.filter!.replace("wire-nightly", "nightly")));
    }
    const wrong = await submitPipeline(client, { ...submission, schedule: "every night" }).catch((e: unknown) => e);
    expect((wrong as Error).message).toBe(
      "The schedule 'every night' is not a cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first).",
    );
  });

  it("logs in to a multi-user Kubeflow through Dex as Kubeflow's documented login does, and sends the session cookie as kfp.Client does", async () => {
    const login = { username: "alice@example.com", password: "s3cret-pw" };
    fake = await startKfpApiFake({ login });
    const official = await kfpCheckOk<{ cookie: string }>(["client-login", fake.url, login.username, login.password]);
    expect(official.cookie).toBe("authservice_session");
    const [theirLogin, theirs] = [[...fake.loginRequests], [...fake.exchanges]];
    fake.loginRequests.length = 0;
    fake.exchanges.length = 0;

    const client = new KfpClient(fake.url, { login });
    expect(await client.findPipeline("quickstart")).toBeUndefined();
    await client.ensureExperiment("quickstart");
    expect(fake.loginRequests).toEqual(theirLogin);
    expect(fake.loginRequests).toEqual([
      "GET /",
      "GET /dex/auth",
      "GET /dex/auth/local",
      "GET /dex/auth/local/login",
      "POST /dex/auth/local/login",
      "GET /dex/approval",
      "GET /authservice/oidc/callback",
      "GET /",
    ]);
    for (const exchanges of [theirs, fake.exchanges]) {
      expect(exchanges.length).toBeGreaterThan(0);
      for (const e of exchanges) {
        expect(e.status).toBe(200);
        expect(e.cookie).toMatch(/^authservice_session=[0-9a-f-]{36}$/);
        expect(e.authorization).toBeUndefined();
      }
    }
    // One login for every request; an expired session logs in again, once.
    fake.expireSessions();
    fake.loginRequests.length = 0;
    await client.ensureExperiment("quickstart");
    expect(fake.loginRequests.filter((r) => r.startsWith("POST"))).toHaveLength(1);
    expect(await modelProblems(fake.exchanges)).toEqual([]);
  });

  it("says which login failed: a wrong password, or no credentials for a Kubeflow that wants a login", async () => {
    fake = await startKfpApiFake({ login: { username: "alice@example.com", password: "s3cret-pw" } });
    const wrong = (await new KfpClient(fake.url, { login: { username: "alice@example.com", password: "guess-pw" } })
      .findPipeline("x")
      .catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(wrong.message).toBe(`The Kubeflow login at ${fake.url} failed: the username or password was not accepted.`);
    expect(wrong.code).toBe("ZEN_KFP_AUTH");
    expect(`${wrong.message} ${wrong.hint}`).not.toContain("guess-pw");
    const none = (await new KfpClient(fake.url).findPipeline("x").catch((e: unknown) => e)) as Error & { code: string };
    expect(none.message).toBe(`Kubeflow Pipelines at ${fake.url} redirected the request to look up pipeline 'x' to a login page.`);
    expect(none.code).toBe("ZEN_KFP_AUTH");
    expect(fake.exchanges).toEqual([]);
  });

  it("times out naming the last state", async () => {
    fake = await startKfpApiFake();
    const client = new KfpClient(fake.url);
    const { runId } = await submitPipeline(client, { pipelineName: "quickstart", packageText: packageText(), experiment: "e", runName: "r", parameters: {} });
    fake.setRunStates(runId!, ["RUNNING"]);
    const error = await followRun(client, runId!, { timeoutMs: 50, intervalMs: 10 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Kubeflow run .* did not end within 0 s \(last state RUNNING\)\.$/);
  });

  it("the model check itself refuses an unknown field and a wrong type", async () => {
    const STATES = "['RUNTIME_STATE_UNSPECIFIED', 'PENDING', 'RUNNING', 'SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELING', 'CANCELED', 'PAUSED']";
    const problems = await kfpCheckOk<string[]>(
      ["check-models"],
      [
        { model: "V2beta1Run", body: { display_name: "r", runtime_config: { parameters: {} }, retries: 3 } },
        { model: "V2beta1Run", body: { display_name: 7, state: "DONE" } },
      ],
    );
    expect(problems).toEqual([
      "#0 V2beta1Run: V2beta1Run has no field 'retries'",
      "#1 V2beta1Run.display_name: expected str, got 7",
      `#1 V2beta1Run.state: "DONE" is not one of ${STATES}`,
    ]);
  });
});
