/**
 * A fake of the Kubeflow Pipelines REST API v2beta1 on 127.0.0.1, for contract tests: it keeps
 * pipelines, versions, experiments, runs and recurring runs in memory and records every exchange with
 * the name of the v2beta1 model its request and response bodies must match (tests check them against
 * the models of Kubeflow's own `kfp-server-api`). Errors use KFP's `googleRpcStatus` shape. With
 * `login`, it stands in front of the API as a multi-user Kubeflow's gateway does: requests without
 * the session cookie are redirected to a Dex login form, whose callback sets `authservice_session`.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface KfpExchange {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  cookie: string | undefined;
  contentType: string | undefined;
  /** A JSON request body. */
  body?: unknown;
  /** A multipart upload: the form field, file name and content. */
  upload?: { field: string; fileName: string; text: string };
  status: number;
  response: unknown;
  /** kfp-server-api model names of the request and response bodies. */
  requestModel?: string;
  responseModel: string;
}

export interface KfpApiFake {
  url: string;
  exchanges: KfpExchange[];
  /** Uploaded package text per pipeline version id. */
  packages: Map<string, string>;
  runs: Map<string, Record<string, unknown>>;
  recurringRuns: Map<string, Record<string, unknown>>;
  /** The requests of the login flow (Dex pages, callback), in order: `METHOD path`. */
  loginRequests: string[];
  /** Ends every session: the next API request is redirected to the login again. */
  expireSessions(): void;
  /** The states `GET /runs/{id}` returns in turn (the last one stays). */
  setRunStates(runId: string, states: string[]): void;
  /** The next request fails with this HTTP status and message. */
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

type Json = Record<string, any>;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 500: 13 };

function parseMultipart(body: Buffer, contentType: string): KfpExchange["upload"] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return undefined;
  for (const part of body.toString("utf8").split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const field = /name="([^"]*)"/.exec(head)?.[1];
    const fileName = /filename="([^"]*)"/.exec(head)?.[1];
    if (field && fileName !== undefined) return { field, fileName, text: part.slice(split + 4).replace(/\r\n$/, "") };
  }
  return undefined;
}

function matchesFilter(item: Json, filter: string | undefined): boolean {
  if (!filter) return true;
  const predicates = (JSON.parse(filter) as { predicates?: Json[] }).predicates ?? [];
  return predicates.every((p) => p.operation !== "EQUALS" || item[p.key] === (p.stringValue ?? p.string_value));
}

export interface KfpApiFakeOptions {
  /** Requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** A multi-user Kubeflow's Dex login in front of the API (instead of a bearer token). */
  login?: { username: string; password: string };
  /** Called for each created run with the package it runs: a test "engine" can execute it. */
  onRunCreated?: (run: Record<string, any>, packageText: string) => void;
}

export async function startKfpApiFake(options: KfpApiFakeOptions = {}): Promise<KfpApiFake> {
  const exchanges: KfpExchange[] = [];
  const pipelines: Json[] = [];
  const versions: Json[] = [];
  const experiments: Json[] = [];
  const runs = new Map<string, Json>();
  const recurringRuns = new Map<string, Json>();
  const sessions = new Set<string>();
  const loginRequests: string[] = [];
  /** Dex login requests in progress: state → the URL to return to. */
  const loginStates = new Map<string, string>();
  const runStates = new Map<string, string[]>();
  const packages = new Map<string, string>();
  let failure: { status: number; message: string } | undefined;

  const handle = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: any,
    upload: KfpExchange["upload"],
  ): [number, unknown, string, string?] => {
    const api = "/apis/v2beta1";
    if (!path.startsWith(api)) return [404, undefined, "GoogleRpcStatus"];
    const route = path.slice(api.length);
    if (method === "GET" && route === "/healthz") return [200, { multi_user: false }, "V2beta1GetHealthzResponse"];
    if (method === "POST" && (route === "/pipelines/upload" || route === "/pipelines/upload_version")) {
      if (upload?.field !== "uploadfile") return [400, { message: "no uploadfile in the multipart form" }, "GoogleRpcStatus"];
      const pipelineId = route === "/pipelines/upload" ? randomUUID() : query.pipelineid;
      let pipeline = pipelines.find((p) => p.pipeline_id === pipelineId);
      if (route === "/pipelines/upload") {
        const name = query.name ?? upload.fileName.replace(/\.ya?ml$/, "");
        if (pipelines.some((p) => p.display_name === name))
          return [409, { message: `Failed to create a pipeline. The pipeline '${name}' already exists.` }, "GoogleRpcStatus"];
        pipeline = {
          pipeline_id: pipelineId,
          display_name: query.display_name ?? name,
          name,
          created_at: now(),
          ...(query.namespace ? { namespace: query.namespace } : {}),
        };
        pipelines.push(pipeline);
      }
      if (!pipeline) return [404, { message: `Pipeline ${String(pipelineId)} not found.` }, "GoogleRpcStatus"];
      const version = {
        pipeline_id: pipeline.pipeline_id,
        pipeline_version_id: randomUUID(),
        display_name: query.display_name ?? query.name ?? pipeline.display_name,
        name: query.name ?? pipeline.name,
        created_at: now(),
      };
      versions.push(version);
      packages.set(version.pipeline_version_id, upload.text);
      return route === "/pipelines/upload" ? [200, pipeline, "V2beta1Pipeline"] : [200, version, "V2beta1PipelineVersion"];
    }
    if (method === "GET" && route === "/pipelines") {
      const found = pipelines.filter((p) => matchesFilter(p, query.filter));
      return [200, { pipelines: found, total_size: found.length }, "V2beta1ListPipelinesResponse"];
    }
    const versionsRoute = /^\/pipelines\/([^/]+)\/versions$/.exec(route);
    if (method === "GET" && versionsRoute) {
      const found = versions.filter((v) => v.pipeline_id === versionsRoute[1]).reverse();
      return [
        200,
        { pipeline_versions: found.slice(0, Number(query.page_size ?? found.length)), total_size: found.length },
        "V2beta1ListPipelineVersionsResponse",
      ];
    }
    if (method === "GET" && route === "/experiments") {
      const found = experiments.filter((e) => matchesFilter(e, query.filter));
      return [200, { experiments: found, total_size: found.length }, "V2beta1ListExperimentsResponse"];
    }
    if (method === "POST" && route === "/experiments") {
      const experiment = { ...body, experiment_id: randomUUID(), created_at: now(), storage_state: "AVAILABLE" };
      experiments.push(experiment);
      return [200, experiment, "V2beta1Experiment", "V2beta1Experiment"];
    }
    if (method === "POST" && route === "/runs") {
      const ref = body?.pipeline_version_reference;
      if (!ref || !versions.some((v) => v.pipeline_version_id === ref.pipeline_version_id)) {
        return [400, { message: "Invalid input error: pipeline_version_reference names no known pipeline version" }, "GoogleRpcStatus", "V2beta1Run"];
      }
      const run = { ...body, run_id: randomUUID(), created_at: now(), state: "PENDING", storage_state: "AVAILABLE" };
      runs.set(run.run_id, run);
      const created = { ...run };
      setImmediate(() => options.onRunCreated?.(created, packages.get(ref.pipeline_version_id)!));
      return [200, run, "V2beta1Run", "V2beta1Run"];
    }
    const runRoute = /^\/runs\/([^/:]+)$/.exec(route);
    if (method === "GET" && runRoute) {
      const run = runs.get(runRoute[1]!);
      if (!run) return [404, { message: `Run ${runRoute[1]} not found.` }, "GoogleRpcStatus"];
      const states = runStates.get(run.run_id);
      if (states && states.length > 0) run.state = states.length > 1 ? states.shift() : states[0];
      return [200, run, "V2beta1Run"];
    }
    if (method === "GET" && route === "/runs") {
      const found = [...runs.values()].filter((r) => matchesFilter(r, query.filter) && (!query.experiment_id || r.experiment_id === query.experiment_id));
      // The state a run has now (the next one `GET /runs/{id}` would answer).
      for (const run of found) run.state = runStates.get(run.run_id)?.[0] ?? run.state;
      return [200, { runs: found, total_size: found.length }, "V2beta1ListRunsResponse"];
    }
    if (method === "POST" && route === "/recurringruns") {
      const ref = body?.pipeline_version_reference;
      if (!ref || !versions.some((v) => v.pipeline_version_id === ref.pipeline_version_id)) {
        return [400, { message: "Invalid input error: pipeline_version_reference names no known pipeline version" }, "GoogleRpcStatus", "V2beta1RecurringRun"];
      }
      if (!body?.trigger?.cron_schedule?.cron && !body?.trigger?.periodic_schedule) {
        return [400, { message: "Invalid input error: a recurring run needs a trigger" }, "GoogleRpcStatus", "V2beta1RecurringRun"];
      }
      const cron = body.trigger.cron_schedule?.cron;
      if (cron !== undefined && String(cron).trim().split(/\s+/).length !== 6) {
        return [
          400,
          { message: `Invalid input error: the cron expression '${cron}' has not 6 fields (second minute hour day month weekday)` },
          "GoogleRpcStatus",
          "V2beta1RecurringRun",
        ];
      }
      const recurring = { ...body, recurring_run_id: randomUUID(), created_at: now(), status: body.mode === "DISABLE" ? "DISABLED" : "ENABLED" };
      // An int64: KFP answers it as a string, whichever way it came.
      if (recurring.max_concurrency !== undefined) recurring.max_concurrency = String(recurring.max_concurrency);
      recurringRuns.set(recurring.recurring_run_id, recurring);
      return [200, recurring, "V2beta1RecurringRun", "V2beta1RecurringRun"];
    }
    if (method === "GET" && route === "/recurringruns") {
      const found = [...recurringRuns.values()].filter((r) => matchesFilter(r, query.filter));
      // The one list whose JSON key is camelCase in KFP's API definitions.
      return [200, { recurringRuns: found, total_size: found.length }, "V2beta1ListRecurringRunsResponse"];
    }
    const recurringRoute = /^\/recurringruns\/([^/:]+)$/.exec(route);
    if (method === "GET" && recurringRoute) {
      const recurring = recurringRuns.get(recurringRoute[1]!);
      if (!recurring) return [404, { message: `Recurring run ${recurringRoute[1]} not found.` }, "GoogleRpcStatus"];
      return [200, recurring, "V2beta1RecurringRun"];
    }
    return [404, { message: `No route for ${method} ${path}` }, "GoogleRpcStatus"];
  };

  /** Dex and the gateway's callback; answers the request when it belongs to the login flow. */
  const dex = (req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): boolean => {
    const login = options.login;
    if (!login) return false;
    const send = (status: number, headers: Record<string, string | string[]>, html = "") => {
      loginRequests.push(`${req.method} ${url.pathname}`);
      res.writeHead(status, { "content-type": "text/html", ...headers });
      res.end(html);
    };
    const state = url.searchParams.get("state") ?? "";
    const form = (error: string) =>
      `<html><body>${error}<form method="post" action="/dex/auth/local/login?back=&amp;state=${state}">` +
      '<input name="login"/><input name="password" type="password"/></form></body></html>';
    if (url.pathname === "/dex/auth") return (send(200, {}, `<a href="/dex/auth/local?state=${state}">Log in with Email</a>`), true);
    if (url.pathname === "/dex/auth/local") return (send(302, { location: `/dex/auth/local/login?back=&state=${state}` }), true);
    if (url.pathname === "/dex/auth/local/login" && req.method === "GET") return (send(200, {}, form("")), true);
    if (url.pathname === "/dex/auth/local/login" && req.method === "POST") {
      const fields = new URLSearchParams(raw.toString("utf8"));
      if (fields.get("login") !== login.username || fields.get("password") !== login.password) {
        return (send(200, {}, form("Invalid Email Address and password")), true);
      }
      return (send(303, { location: `/dex/approval?req=${state}` }), true);
    }
    if (url.pathname === "/dex/approval")
      return (send(303, { location: `/authservice/oidc/callback?code=${randomUUID()}&state=${url.searchParams.get("req")}` }), true);
    if (url.pathname === "/authservice/oidc/callback") {
      const back = loginStates.get(state);
      if (!back) return (send(400, {}, "unknown login state"), true);
      loginStates.delete(state);
      const session = randomUUID();
      sessions.add(session);
      return (send(302, { location: back, "set-cookie": `authservice_session=${session}; Path=/; Max-Age=86400; HttpOnly` }), true);
    }
    const cookie = /(?:^|;\s*)authservice_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (cookie && sessions.has(cookie)) {
      if (url.pathname !== "/") return false;
      // The gateway's root: Kubeflow's central dashboard, where a login lands.
      return (send(200, {}, "<html><title>Kubeflow Central Dashboard</title></html>"), true);
    }
    const next = randomUUID();
    loginStates.set(next, `${url.pathname}${url.search}`);
    send(302, { location: `/dex/auth?client_id=kubeflow-oidc-authservice&response_type=code&scope=openid&state=${next}` });
    return true;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const raw = Buffer.concat(chunks);
      if (dex(req, res, url, raw)) return;
      const contentType = req.headers["content-type"];
      const isJson = contentType?.startsWith("application/json") && raw.length > 0;
      const upload = contentType?.startsWith("multipart/form-data") ? parseMultipart(raw, contentType) : undefined;
      let body: unknown;
      let status: number;
      let response: unknown;
      let responseModel: string;
      let requestModel: string | undefined;
      try {
        body = isJson ? JSON.parse(raw.toString("utf8")) : undefined;
        if (failure) {
          [status, response, responseModel] = [failure.status, { message: failure.message }, "GoogleRpcStatus"];
          failure = undefined;
        } else if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
          [status, response, responseModel] = [401, { message: "Unauthenticated: no valid bearer token" }, "GoogleRpcStatus"];
        } else {
          [status, response, responseModel, requestModel] = handle(req.method ?? "GET", url.pathname, Object.fromEntries(url.searchParams), body, upload);
        }
      } catch (error) {
        [status, response, responseModel] = [400, { message: `Bad request: ${(error as Error).message}` }, "GoogleRpcStatus"];
      }
      if (status >= 400) response = { code: GRPC_CODES[status] ?? 2, message: (response as Json | undefined)?.message ?? "error", details: [] };
      exchanges.push({
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        contentType,
        ...(body !== undefined ? { body } : {}),
        ...(upload ? { upload } : {}),
        status,
        response,
        ...(requestModel ? { requestModel } : {}),
        responseModel,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(response));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    packages,
    runs,
    recurringRuns,
    loginRequests,
    expireSessions: () => sessions.clear(),
    setRunStates: (runId, states) => void runStates.set(runId, [...states]),
    failNext: (status, message) => void (failure = { status, message }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
