/**
 * Who may talk to the dashboard. On loopback: anyone on this machine, but only under a loopback Host
 * name (a page on another site cannot reach it through DNS rebinding). On any other address: only
 * requests carrying the token the command printed (`?token=` once, then a same-site cookie, or an
 * `Authorization: Bearer` header).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const TOKEN_COOKIE = "zen_dashboard_token";

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

function hostName(header: string | undefined): string {
  if (!header) return "";
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  return header.split(":")[0]!;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token the request carries, if any. */
function presented(request: IncomingMessage, url: URL): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  const query = url.searchParams.get("token");
  if (query) return query;
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return undefined;
}

export type AccessDecision = { allowed: true; setCookie?: string } | { allowed: false; status: number; message: string };

export function checkAccess(request: IncomingMessage, url: URL, token: string | undefined): AccessDecision {
  if (token === undefined) {
    if (!isLoopback(hostName(request.headers.host))) {
      return { allowed: false, status: 403, message: "This dashboard answers only under a loopback host name (127.0.0.1 or localhost)." };
    }
    return { allowed: true };
  }
  const given = presented(request, url);
  if (given === undefined || !same(given, token)) {
    return { allowed: false, status: 401, message: "This dashboard needs the token `zen dashboard` printed: open the URL it printed." };
  }
  return url.searchParams.has("token") ? { allowed: true, setCookie: `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` } : { allowed: true };
}
