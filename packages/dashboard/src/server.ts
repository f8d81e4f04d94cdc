/**
 * The dashboard's HTTP server: the built assets, a read-only JSON API and server-sent events for runs
 * in progress (the metadata store is polled server-side, so any store driver works). Every response
 * goes through `send`, which never sees a secret value: the data comes from `data.ts`.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { PipelineRepository, ZenApi } from "@zen/core";
import { registerDashboard } from "@zen/core/internal";
import { checkAccess, isLoopback, newToken } from "./access.ts";
import * as data from "./data.ts";
import { artifactImage, artifactPreview } from "./preview.ts";
import { stepLogs } from "./logs.ts";

export interface DashboardOptions {
  zen: ZenApi;
  /** The runs shown are those in this stack's metadata store (default: the active stack). */
  stack?: string | undefined;
  /** Default 127.0.0.1. Any other address requires a token (generated unless given). */
  host?: string | undefined;
  /** Default 8237; 0 picks a free port. */
  port?: number | undefined;
  token?: string | undefined;
  /** How often a live run is re-read from the metadata store (ms). */
  pollMs?: number | undefined;
}

export interface DashboardServer {
  /** The address to open (with `?token=` when a token is required). */
  url: string;
  host: string;
  port: number;
  token: string | undefined;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8237;
const ASSETS = fileURLToPath(new URL("../assets/", import.meta.url));
const ASSET_TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "dom.js": "text/javascript; charset=utf-8",
  "dag.js": "text/javascript; charset=utf-8",
  "timeline.js": "text/javascript; charset=utf-8",
  "logs.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? (isLoopback(host) ? undefined : newToken());
  const pollMs = options.pollMs ?? 500;
  const stack = await options.zen.loadStack(options.stack);
  const { PipelineRepository } = await import("@zen/core");
  const repository = PipelineRepository.forStack(stack);
  const streams = new Set<ServerResponse>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = statusOf(error);
      if (!response.headersSent) send(response, status, { error: (error as Error).message });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://dashboard.invalid");
    const access = checkAccess(request, url, token);
    if (!access.allowed) return send(response, access.status, { error: access.message });
    if (access.setCookie) response.setHeader("set-cookie", access.setCookie);
    if (request.method !== "GET" && request.method !== "HEAD") throw new HttpError(405, "The dashboard is read-only.");
    const path = url.pathname;
    if (!path.startsWith("/api/")) return serveAsset(response, path === "/" ? "index.html" : path.slice(1));
    const parts = path.slice(5).split("/").map(decodeURIComponent);
    const q = url.searchParams;
    switch (parts[0]) {
      case "context":
        return send(response, 200, { profile: options.zen.context.profile.name, stack: stack.name });
      case "stacks":
        return send(response, 200, await data.stacks(options.zen));
      case "flavors":
        return send(response, 200, await data.flavors(options.zen));
      case "pipelines":
        return send(response, 200, await data.pipelines(repository));
      case "artifacts":
        if (parts[1] && parts[2] === "preview") return send(response, 200, await artifactPreview(repository, parts[1]));
        if (parts[1] && parts[2] === "content") {
          const image = await artifactImage(repository, parts[1]);
          response.writeHead(200, { ...SECURITY_HEADERS, "content-type": image.mediaType, "content-length": image.body.byteLength });
          return void response.end(image.body);
        }
        break;
      case "runs":
        if (parts.length === 1) {
          return send(
            response,
            200,
            await data.runs(repository, {
              pipeline: q.get("pipeline") || undefined,
              status: q.get("status") || undefined,
              stack: q.get("stack") || undefined,
              limit: q.has("limit") ? Number(q.get("limit")) || undefined : undefined,
              before: q.get("before") || undefined,
              after: q.get("after") || undefined,
            }),
          );
        }
        if (parts.length === 2) return send(response, 200, await data.run(repository, parts[1]!));
        if (parts[2] === "events") return streamRun(request, response, repository, parts[1]!);
        if (parts.length === 5 && parts[2] === "steps" && parts[4] === "logs") return send(response, 200, await stepLogs(repository, parts[1]!, parts[3]!));
        break;
    }
    throw new HttpError(404, `No such API path: ${path}`);
  }

  async function streamRun(request: IncomingMessage, response: ServerResponse, repo: PipelineRepository, id: string): Promise<void> {
    let last = JSON.stringify(await data.run(repo, id));
    response.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream", connection: "keep-alive" });
    response.write(`data: ${last}\n\n`);
    streams.add(response);
    const timer = setInterval(() => {
      data.run(repo, id).then((run) => {
        const text = JSON.stringify(run);
        if (text !== last) response.write(`data: ${(last = text)}\n\n`);
        if (run.status !== "running") stop();
      }, stop);
    }, pollMs);
    const stop = () => {
      clearInterval(timer);
      streams.delete(response);
      response.end();
    };
    request.on("close", stop);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  // Commands that print a run (`zen pipeline run`, `runs describe`) find this dashboard through this record.
  const local = host === "0.0.0.0" || host === "::" || isLoopback(host) ? "127.0.0.1" : shown;
  const unregister = await registerDashboard(
    options.zen.context.configDir,
    { url: `http://${local}:${port}/`, profile: options.zen.context.profile.name, stack: stack.name, metadataStoreId: stack.metadataStore.id },
    port,
  ).catch(() => () => {});
  return {
    url: `http://${shown}:${port}/${token ? `?token=${token}` : ""}`,
    host,
    port,
    token,
    close: async () => {
      unregister();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") return status;
  const code = (error as { code?: string }).code;
  return code === "ZEN_NOT_FOUND" ? 404 : code === "ZEN_INVALID" ? 400 : 500;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" });
  response.end(text);
}

async function serveAsset(response: ServerResponse, name: string): Promise<void> {
  const type = ASSET_TYPES[name];
  if (!type) throw new HttpError(404, `No such page: /${name}`);
  const body = await readFile(ASSETS + name);
  response.writeHead(200, { ...SECURITY_HEADERS, "content-type": type });
  response.end(body);
}
