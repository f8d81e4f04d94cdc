/**
 * The Node prediction server of a TypeScript model, started by the mlflow model deployer as a process
 * of its own: `node prediction-server.js <service dir> <port>`. It speaks `mlflow models serve`'s
 * scoring protocol (`/ping`, `/health`, `/version`, `POST /invocations`), so clients need not know
 * which runtime serves a model. The model (its predict module and data) is read from the service
 * directory, where the deployer put it: the server needs no credentials.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { parseScoringInput, ScoringInputError, type PredictFunction } from "./scoring-input.ts";
import { NODE_MODEL_FILE, type NodeModelFile } from "./service-files.ts";

const MAX_BODY = 64 * 1024 * 1024;

async function main(): Promise<void> {
  const [dir, portText] = process.argv.slice(2);
  if (!dir || !portText) throw new Error("usage: prediction-server <service dir> <port>");
  const model = JSON.parse(readFileSync(join(dir, NODE_MODEL_FILE), "utf8")) as NodeModelFile;
  const loaded = (await import(model.module)) as Record<string, unknown>;
  // A module loaded as CommonJS (a .ts file outside a "type": "module" package) has its exports under default.
  const predict = loaded[model.export] ?? (loaded.default as Record<string, unknown> | undefined)?.[model.export];
  if (typeof predict !== "function") throw new Error(`${model.module} has no function export '${model.export}'.`);
  const server = createServer((request, response) => {
    handle(request, response, predict as PredictFunction, model).catch((error: unknown) => {
      console.error(error);
      send(response, 500, { error_code: "INTERNAL_ERROR", message: error instanceof Error ? error.message : String(error) });
    });
  });
  server.listen(Number(portText), "127.0.0.1", () => console.log(`zen prediction server: ${model.module}#${model.export} on 127.0.0.1:${portText}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

async function handle(request: IncomingMessage, response: ServerResponse, predict: PredictFunction, model: NodeModelFile): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (request.method === "GET" && (path === "/ping" || path === "/health")) return void response.writeHead(200).end("\n");
  if (request.method === "GET" && path === "/version") return void response.writeHead(200, { "content-type": "text/plain" }).end(model.version);
  if (path !== "/invocations") return send(response, 404, { error_code: "ENDPOINT_NOT_FOUND", message: `No endpoint ${path}.` });
  if (request.method !== "POST") return send(response, 405, { error_code: "BAD_REQUEST", message: "Use POST /invocations." });
  const type = request.headers["content-type"] ?? "";
  if (!type.startsWith("application/json")) {
    return send(response, 415, { error_code: "BAD_REQUEST", message: `Content type '${type}' is not supported; send application/json.` });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    return send(response, 400, { error_code: "MALFORMED_REQUEST", message: `The body is not JSON: ${(error as Error).message}` });
  }
  let input: ReturnType<typeof parseScoringInput>;
  try {
    input = parseScoringInput(body);
  } catch (error) {
    if (error instanceof ScoringInputError) return send(response, 400, { error_code: "BAD_REQUEST", message: error.message });
    throw error;
  }
  const predictions = await predict(model.data, input);
  if (!Array.isArray(predictions)) throw new Error(`${model.export} returned ${typeof predictions}, not an array of predictions.`);
  send(response, 200, { predictions });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) request.destroy(new Error("the body is larger than 64 MB"));
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
