/**
 * How to reach a database server, shared by the metadata store flavors and the profile store URLs
 * of both drivers, and the one error a user gets when the server cannot be used: unreachable, wrong
 * credentials, unknown database or TLS refused, always within the connect timeout and never with
 * the password in it.
 */
import { readFileSync } from "node:fs";
import { ZenError } from "../errors.ts";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface SqlTlsOptions {
  /** PEM text or a path to a PEM file of the CA that signed the server's certificate. */
  ca?: string | undefined;
  /** Client certificate and key (PEM text or paths), for servers that require them. */
  cert?: string | undefined;
  key?: string | undefined;
  /** Verify the server's certificate and host name (default true). */
  verify?: boolean | undefined;
}

export interface SqlServerOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string | undefined;
  /** Use TLS (with these options); undefined = plain TCP. */
  tls?: SqlTlsOptions | undefined;
  connectTimeoutMs: number;
}

/** Node `tls` options from PEM-or-path values. */
export function tlsSettings(tls: SqlTlsOptions): { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } {
  const pem = (value: string | undefined) => (value === undefined ? undefined : value.includes("-----BEGIN") ? value : readFileSync(value, "utf8"));
  const settings: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } = { rejectUnauthorized: tls.verify !== false };
  const ca = pem(tls.ca);
  const cert = pem(tls.cert);
  const key = pem(tls.key);
  if (ca !== undefined) settings.ca = ca;
  if (cert !== undefined) settings.cert = cert;
  if (key !== undefined) settings.key = key;
  return settings;
}

/** What went wrong when connecting, as classified by the driver from its error codes. */
export type ConnectFailure = "unreachable" | "timeout" | "auth" | "unknown-database" | "tls" | "other";

const HINTS: Record<ConnectFailure, (target: string) => string> = {
  unreachable: () => "Check that the server is running and that host and port are right.",
  timeout: () => "Check the host, the network and firewalls; raise connect_timeout_ms for a slow link.",
  auth: () => "Check the user name and the password (ZEN_STORE_PASSWORD, the password file, or the secret the component names).",
  "unknown-database": () => "Create the database first (CREATE DATABASE …), or fix the database name.",
  tls: () => "The server requires TLS or refused the TLS settings: set the TLS options (ca, cert, key, verify).",
  other: () => "Check the server's log; run again with ZEN_DEBUG=1 for details.",
};

const WHAT: Record<ConnectFailure, string> = {
  unreachable: "is not reachable",
  timeout: "did not answer within the connect timeout",
  auth: "refused the credentials",
  "unknown-database": "has no such database",
  tls: "refused the connection over TLS settings",
  other: "could not be used",
};

/** Removes every occurrence of `secret` from a message (a driver may quote a URL or a setting back). */
export function scrub(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join("***") : message;
}

export function connectError(target: string, failure: ConnectFailure, cause: unknown, password?: string): ZenError {
  const detail = scrub(cause instanceof Error ? cause.message : String(cause), password);
  return new ZenError(`The database server at ${target} ${WHAT[failure]}${detail ? ` (${detail})` : ""}.`, {
    code: failure === "auth" ? "ZEN_STORE_AUTH" : failure === "unknown-database" ? "ZEN_STORE_NOT_FOUND" : "ZEN_STORE_UNREACHABLE",
    hint: HINTS[failure](target),
  });
}

/** `mysql://user@host:port/db`: what messages and `profile describe` show, never with a password. */
export function describeTarget(scheme: string, o: Pick<SqlServerOptions, "host" | "port" | "database" | "user">): string {
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return `${scheme}://${encodeURIComponent(o.user)}@${host}:${o.port}/${encodeURIComponent(o.database)}`;
}

/** Rejects after `ms` with a timeout failure: drivers' own timeouts do not cover every phase (TLS, auth). */
export async function withConnectTimeout<T>(ms: number, attempt: Promise<T>, onLate: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: "ZEN_CONNECT_TIMEOUT" }));
    }, ms);
  });
  attempt.then((value) => timedOut && onLate(value)).catch(() => undefined);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
