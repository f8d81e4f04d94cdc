/**
 * A `fetch` for an https server whose certificate is not verified (the `insecure_tls` option).
 * Node's built-in fetch takes TLS options only through an Agent of the `undici` package, which Node
 * does not expose; so these requests go through node:https and answer with a standard Response, and
 * failures have fetch's shape (a TypeError whose `cause` carries the code).
 */
import { Agent, request } from "node:https";

const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

export function insecureFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(new TypeError("fetch failed", { cause: error }));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const url = input instanceof Request ? input.url : String(input);
    const req = request(url, { method: init.method ?? "GET", headers, agent, signal: init.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("close", () => {
        if (!res.complete) return fail(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" }));
        const status = res.statusCode ?? 502;
        const answer = new Headers();
        for (const [key, value] of Object.entries(res.headers)) for (const v of [value ?? []].flat()) answer.append(key, v);
        resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? "", headers: answer }));
      });
    });
    req.on("error", fail);
    const body = init.body;
    if (body === undefined || body === null) req.end();
    else if (typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else fail(new Error("insecureFetch sends string or byte bodies only"));
  });
}
