/** The dashboard's JSON API over real stores: stacks, flavors, pipelines, runs, previews, live events, access. */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import { startDashboard, type DashboardServer } from "../src/index.ts";
import { CANARY, gatedPipeline, setUp, weather, type Setup } from "./fixture.ts";

let setup: Setup;
let dashboard: DashboardServer;
const bodies: string[] = [];

async function get(path: string, init: RequestInit = {}, base = dashboard): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`http://127.0.0.1:${base.port}${path}`, init);
  const text = await response.text();
  bodies.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, text, body: response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  setup = await setUp();
  await weather.run({ zen: setup.zenOptions, onEvent: false });
  await weather.run({ zen: setup.zenOptions, onEvent: false });
  dashboard = await startDashboard({ zen: setup.zen, port: 0, pollMs: 50 });
}, 60_000);

afterAll(async () => {
  await dashboard?.close();
  setup?.zen.close();
});

describe("the dashboard API", () => {
  it("serves the app's assets from the package, with a strict content security policy", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script type="module" src="/app.js">');
    expect((await get("/app.js")).text).toContain("function dagView");
    expect((await get("/app.css")).status).toBe(200);
    const response = await fetch(`http://127.0.0.1:${dashboard.port}/`);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect((await get("/../package.json")).status).toBe(404);
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
  });

  it("lists stacks with component configs whose secrets are references", async () => {
    const { body } = await get("/api/stacks");
    const secure = body.find((s: { name: string }) => s.name === "secure");
    expect(secure.components.find((c: { type: string }) => c.type === "alerter")).toEqual({
      type: "alerter",
      name: "vault_alerter",
      flavor: "vault",
      package: "zen-integration-vault",
      config: { path: "/v", token: "{{vault_token.token}}" },
    });
    expect(body.find((s: { name: string }) => s.name === "default").active).toBe(true);
  });

  it("lists flavors, ready or broken with the cause", async () => {
    const { body } = await get("/api/flavors");
    expect(body.flavors.find((f: { name: string }) => f.name === "vault")).toMatchObject({ type: "alerter", ready: true, secretFields: ["token"] });
    expect(body.flavors.find((f: { name: string; type: string }) => f.name === "local" && f.type === "orchestrator")).toMatchObject({ ready: true });
    expect(body.problems).toEqual([expect.objectContaining({ package: "zen-integration-broken", phase: "import" })]);
    expect(body.problems[0].message).toContain("broken on purpose");
  });

  it("lists pipelines and pages of runs, filtered by pipeline, status and stack", async () => {
    expect((await get("/api/pipelines")).body).toEqual([expect.objectContaining({ name: "weather", runCount: 2 })]);
    const all = (await get("/api/runs")).body;
    expect(all.total).toBe(2);
    expect(all.runs.map((r: { status: string; stack: string }) => [r.status, r.stack])).toEqual([
      ["completed", "default"],
      ["completed", "default"],
    ]);
    const page = (await get("/api/runs?limit=1&offset=1")).body;
    expect(page).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(page.runs[0].id).toBe(all.runs[1].id);
    expect((await get("/api/runs?status=failed")).body.total).toBe(0);
    expect((await get("/api/runs?status=completed&stack=default")).body.total).toBe(2);
    expect((await get("/api/runs?stack=secure")).body.total).toBe(0);
    expect((await get("/api/runs?pipeline=nope")).body.total).toBe(0);
  });

  it("shows one run with its steps: status, cache decision and reason, upstream, artifacts and previews", async () => {
    const [latest] = (await get("/api/runs")).body.runs;
    const { body: run } = await get(`/api/runs/${latest.id}`);
    expect(run.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ["load", "cached"],
      ["describe_rows", "cached"],
      ["mean", "cached"],
      ["report", "cached"],
    ]);
    const report = run.steps.find((s: { name: string }) => s.name === "report");
    expect(report.upstream.sort()).toEqual(["describe_rows", "mean"]);
    expect(typeof report.cacheReason).toBe("string");
    expect(Object.keys(report.inputs).sort()).toEqual(["avg", "summary"]);

    const preview = async (step: string) =>
      (await get(`/api/artifacts/${run.steps.find((s: { name: string }) => s.name === step).outputs.output.id}/preview`)).body;
    expect(await preview("report")).toMatchObject({ kind: "text", text: "2 cities, mean 11" });
    expect(await preview("load")).toMatchObject({
      kind: "table",
      columns: ["city", "temp"],
      rows: [
        ["Oslo", "3"],
        ["Lima", "19"],
      ],
      totalRows: 2,
    });
    expect(JSON.parse((await preview("describe_rows")).text)).toEqual({ count: 2, cities: ["Oslo", "Lima"] });
    expect((await get(`/api/runs/${encodeURIComponent(latest.name)}`)).body.id).toBe(latest.id);
    expect((await get("/api/runs/no-such-run")).status).toBe(404);
  });

  it("streams a run in progress over server-sent events until it ends", async () => {
    const { flow, release } = gatedPipeline();
    const done = flow.run({ zen: setup.zenOptions, onEvent: false });
    let runId: string | undefined;
    for (let i = 0; i < 200 && !runId; i++) {
      const page = (await get("/api/runs?status=running")).body;
      runId = page.runs[0]?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 25));
    }
    expect(runId).toBeDefined();
    const events: { status: string; steps: { name: string; status: string }[] }[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(`http://127.0.0.1:${dashboard.port}/api/runs/${runId}/events`, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          bodies.push(chunk);
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            events.push(JSON.parse(buffer.slice(0, cut).replace(/^data: /, "")));
            buffer = buffer.slice(cut + 2);
            if (events.length === 1) release();
          }
        });
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
    await ended;
    await done;
    expect(events[0]!.status).toBe("running");
    expect(events.at(-1)!.status).toBe("completed");
    expect(events.at(-1)!.steps.map((s) => s.status)).toEqual(["completed", "completed"]);
  }, 30_000);

  it("is read-only and answers only under a loopback host name", async () => {
    expect((await get("/api/runs", { method: "POST" })).status).toBe(405);
    expect((await get("/api/nothing")).status).toBe(404);
    const rebound = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port: dashboard.port, path: "/api/stacks", headers: { host: "evil.example:80" } }, (res) => resolve(res.statusCode!))
        .on("error", reject)
        .end();
    });
    expect(rebound).toBe(403);
  });

  it("requires the token on every request when bound to a non-loopback address", async () => {
    const open = await startDashboard({ zen: setup.zen, host: "0.0.0.0", port: 0 });
    try {
      expect(open.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(open.url).toBe(`http://0.0.0.0:${open.port}/?token=${open.token}`);
      expect((await get("/api/stacks", {}, open)).status).toBe(401);
      expect((await get("/", {}, open)).status).toBe(401);
      expect((await get("/api/stacks?token=wrong", {}, open)).status).toBe(401);
      expect((await get("/api/stacks", { headers: { authorization: "Bearer wrong" } }, open)).status).toBe(401);
      expect((await get("/api/stacks", { headers: { authorization: `Bearer ${open.token}` } }, open)).status).toBe(200);
      const first = await fetch(`http://127.0.0.1:${open.port}/?token=${open.token}`);
      expect(first.status).toBe(200);
      const cookie = first.headers.get("set-cookie")!;
      expect(cookie).toContain("HttpOnly; SameSite=Strict");
      expect((await get("/api/runs", { headers: { cookie: cookie.split(";")[0]! } }, open)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("never serves a secret value (every response above is scanned for the canary)", async () => {
    expect(await setup.zen.getSecret("vault_token", { reveal: true })).toEqual({ token: CANARY });
    expect(bodies.length).toBeGreaterThan(30);
    const variants = [CANARY, Buffer.from(CANARY).toString("base64"), Buffer.from(CANARY).toString("hex")];
    for (const body of bodies) for (const variant of variants) expect(body).not.toContain(variant);
  });
});
