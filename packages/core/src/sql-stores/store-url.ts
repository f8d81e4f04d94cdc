/**
 * Profile store URLs for database servers: `mysql://user@host:port/db` and
 * `postgresql://user@host:port/db`, with options as query parameters (`connect_timeout_ms`,
 * `ssl=true`, `ssl_ca`, `ssl_cert`, `ssl_key`, `ssl_verify=false`, `password_file`). A URL with a
 * password in it is refused: the password comes from ZEN_STORE_PASSWORD, or from the file the URL
 * names (readable by its owner only), so nothing secret is ever written into zen's config.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { ValidationError, ZenError } from "../errors.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS, describeTarget, type SqlServerOptions, type SqlTlsOptions } from "./server-options.ts";

export const STORE_PASSWORD_ENV = "ZEN_STORE_PASSWORD";

const OPTIONS = ["connect_timeout_ms", "ssl", "ssl_ca", "ssl_cert", "ssl_key", "ssl_verify", "password_file"] as const;

export interface StoreUrl {
  /** The canonical URL (what the profile records): no password, options sorted. */
  url: string;
  options: Omit<SqlServerOptions, "password">;
  passwordFile: string | undefined;
}

/** Parses and checks a store URL of one of `schemes` (e.g. `["mysql:", "mariadb:"]`). */
export function parseStoreUrl(raw: string, schemes: readonly string[], defaultPort: number): StoreUrl {
  const invalid = (why: string, hint?: string) =>
    new ValidationError(`Invalid store URL '${maskPassword(raw)}' (${why}).`, {
      hint: hint ?? `Use ${schemes[0]}//user@host:port/database, e.g. ${schemes[0]}//zen@127.0.0.1:${defaultPort}/zen.`,
    });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("not a URL");
  }
  if (!schemes.includes(url.protocol)) throw invalid(`the scheme must be ${schemes.join(" or ")}`);
  if (url.password) {
    throw invalid(
      "it contains a password",
      `Leave the password out of the URL: set ${STORE_PASSWORD_ENV}, or name an owner-only file with ?password_file=/path.`,
    );
  }
  if (!url.hostname) throw invalid("no host");
  if (!url.username) throw invalid("no user name");
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) throw invalid("the path must be one database name");
  for (const key of url.searchParams.keys()) {
    if (!(OPTIONS as readonly string[]).includes(key)) throw invalid(`unknown option '${key}'`, `Known options: ${OPTIONS.join(", ")}.`);
  }
  const q = url.searchParams;
  const timeout = q.has("connect_timeout_ms") ? Number(q.get("connect_timeout_ms")) : DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isInteger(timeout) || timeout <= 0) throw invalid("connect_timeout_ms must be a positive whole number of milliseconds");
  const flag = (key: string) => {
    const v = q.get(key);
    if (v === null) return undefined;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    throw invalid(`${key} must be true or false`);
  };
  const wantsTls = flag("ssl") === true || q.has("ssl_ca") || q.has("ssl_cert") || q.has("ssl_key") || q.has("ssl_verify");
  let tls: SqlTlsOptions | undefined;
  if (wantsTls) {
    tls = { verify: flag("ssl_verify") ?? true };
    for (const [key, field] of [
      ["ssl_ca", "ca"],
      ["ssl_cert", "cert"],
      ["ssl_key", "key"],
    ] as const) {
      const path = q.get(key);
      if (path !== null) {
        if (!isAbsolute(path)) throw invalid(`${key} must be an absolute path`);
        tls[field] = path;
      }
    }
  }
  const passwordFile = q.get("password_file") ?? undefined;
  if (passwordFile !== undefined && !isAbsolute(passwordFile)) throw invalid("password_file must be an absolute path");
  const port = url.port ? Number(url.port) : defaultPort;
  const options = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port, database, user: decodeURIComponent(url.username), tls, connectTimeoutMs: timeout };
  const sorted = [...q.entries()].sort(([a], [b]) => a.localeCompare(b));
  const query = sorted.length > 0 ? `?${new URLSearchParams(sorted).toString()}` : "";
  return { url: `${describeTarget(url.protocol.slice(0, -1), options)}${query}`, options, passwordFile };
}

/** `scheme://user:***@host…` for display; URLs zen stores never hold a password, but what a user typed may. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

/**
 * The password for a store URL: ZEN_STORE_PASSWORD, else the password file (which must be readable by
 * its owner only), else none (trust or certificate authentication).
 */
export function storePassword(parsed: StoreUrl, env: Record<string, string | undefined>): string | undefined {
  const fromEnv = env[STORE_PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const file = parsed.passwordFile;
  if (file === undefined) return undefined;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new ZenError(`The password file '${file}' named by the store URL does not exist.`, {
      code: "ZEN_NOT_FOUND",
      hint: `Create it (\`install -m 600 /dev/null '${file}'\`, then write the password into it), or set ${STORE_PASSWORD_ENV}.`,
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new ZenError(`The password file '${file}' can be read by other users.`, {
      code: "ZEN_INSECURE_FILE",
      hint: `Make it readable by its owner only: \`chmod 600 '${file}'\`.`,
    });
  }
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}
