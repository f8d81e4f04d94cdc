/** The dashboard's JSON API over real stores: stacks, flavors, pipelines, runs, previews, live events, access. */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import { startDashboard, type DashboardServer } from "../src/index.ts";
import { runningDashboards } from "@zen/core/internal";
import { CANARY, gatedPipeline, plots, PNG, setUp, weather, type Setup } from "./fixture.ts";

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
  await plots.run({ zen: setup.zenOptions, onEvent: false });
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
    expect((await get("/app.js")).text).toContain(`import { dagView } from "./dag.js";`);
    expect((await get("/dag.js")).text).toContain("export function dagView");
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
    expect((await get("/api/pipelines")).body).toEqual([
      expect.objectContaining({ name: "plots", runCount: 1 }),
      expect.objectContaining({ name: "weather", runCount: 2 }),
    ]);
    const all = (await get("/api/runs")).body;
    expect(all).toMatchObject({ total: 3, limit: 50 });
    expect(all.older).toBeUndefined();
    expect(all.newer).toBeUndefined();
    expect(all.runs.map((r: { pipelineName: string; status: string; stack: string }) => [r.pipelineName, r.status, r.stack])).toEqual([
      ["plots", "completed", "default"],
      ["weather", "completed", "default"],
      ["weather", "completed", "default"],
    ]);
    // Pages by run id: `older` is where the next page starts, `newer` where the previous one ends.
    const first = (await get("/api/runs?limit=2")).body;
    expect(first.runs.map((r: { id: string }) => r.id)).toEqual([all.runs[0].id, all.runs[1].id]);
    expect(first.older).toBe(all.runs[1].id);
    const second = (await get(`/api/runs?limit=2&before=${first.older}`)).body;
    expect(second).toMatchObject({ total: 3, newer: all.runs[2].id });
    expect(second.runs.map((r: { id: string }) => r.id)).toEqual([all.runs[2].id]);
    expect(second.older).toBeUndefined();
    expect((await get(`/api/runs?limit=2&after=${second.newer}`)).body.runs.map((r: { id: string }) => r.id)).toEqual(
      first.runs.map((r: { id: string }) => r.id),
    );
    expect((await get("/api/runs?pipeline=weather")).body.total).toBe(2);
    expect((await get("/api/runs?status=failed")).body.total).toBe(0);
    expect((await get("/api/runs?status=completed&stack=default&pipeline=plots")).body.total).toBe(1);
    expect((await get("/api/runs?stack=secure")).body.total).toBe(0);
    expect((await get("/api/runs?pipeline=nope")).body.total).toBe(0);
    const bad = await get("/api/runs?status=exploded");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("Unknown run status 'exploded'");
  });

  it("previews a JSON value as a tree, cut to a size a browser shows at once", async () => {
    const run = (await get(`/api/runs/${(await get("/api/runs?pipeline=plots")).body.runs[0].id}`)).body;
    const output = (step: string) => run.steps.find((s: { name: string }) => s.name === step).outputs.output.id;
    const { body } = await get(`/api/artifacts/${output("nested")}/preview`);
    expect(body.kind).toBe("json");
    const entries = Object.fromEntries(body.tree.v);
    expect(entries.model).toEqual({
      t: "object",
      n: 2,
      v: [
        [
          "layers",
          {
            t: "array",
            n: 3,
            v: [
              ["0", { t: "number", v: 64 }],
              ["1", { t: "number", v: 32 }],
              ["2", { t: "number", v: 1 }],
            ],
          },
        ],
        ["activation", { t: "string", v: "relu" }],
      ],
    });
    expect(entries.metrics).toMatchObject({ t: "array", n: 150 });
    expect(entries.metrics.v).toHaveLength(100);
    expect(entries.note.v).toHaveLength(501);
  });

  it("serves an image a step saved as an image, and refuses bytes beyond the preview size", async () => {
    const run = (await get(`/api/runs/${(await get("/api/runs?pipeline=plots")).body.runs[0].id}`)).body;
    const output = (step: string) => run.steps.find((s: { name: string }) => s.name === step).outputs.output.id;
    const preview = (await get(`/api/artifacts/${output("chart")}/preview`)).body;
    expect(preview).toMatchObject({ kind: "image", mediaType: "image/png", size: PNG.byteLength, src: `/api/artifacts/${output("chart")}/content` });
    const image = await fetch(`http://127.0.0.1:${dashboard.port}${preview.src}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);

    const huge = output("huge");
    expect((await get(`/api/artifacts/${huge}/preview`)).body).toMatchObject({ kind: "large", text: expect.stringContaining("too large to preview") });
    expect((await get(`/api/artifacts/${huge}/content`)).status).toBe(413);
    const notImage = await get(`/api/artifacts/${output("nested")}/content`);
    expect(notImage.status).toBe(404);
    expect(notImage.body.error).toContain("is not an image");
  });

  it("records itself while it serves, for commands that print a run's page", async () => {
    const configDir = setup.zen.context.configDir;
    const mine = () => runningDashboards(configDir).filter((d) => d.url.includes(`:${extra.port}/`));
    const extra = await startDashboard({ zen: setup.zen, port: 0 });
    const stack = await setup.zen.loadStack();
    expect(mine()).toEqual([{ url: `http://127.0.0.1:${extra.port}/`, profile: "default", stack: "default", metadataStoreId: stack.metadataStore.id }]);
    await extra.close();
    expect(mine()).toEqual([]);
  });

  it("shows one run with its steps: status, cache decision and reason, upstream, artifacts and previews", async () => {
    const [latest] = (await get("/api/runs?pipeline=weather")).body.runs;
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
    expect((await preview("describe_rows")).tree).toEqual({
      t: "object",
      n: 2,
      v: [
        ["count", { t: "number", v: 2 }],
        [
          "cities",
          {
            t: "array",
            n: 2,
            v: [
              ["0", { t: "string", v: "Oslo" }],
              ["1", { t: "string", v: "Lima" }],
            ],
          },
        ],
      ],
    });
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
