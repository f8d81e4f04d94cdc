/**
 * A small client for MLflow's REST API (`/api/2.0/mlflow/...` and the `mlflow-artifacts` proxy) over
 * `fetch`. Every failure becomes a ZenError naming the component and the server: unreachable, too
 * slow, an untrusted certificate, refused credentials (401/403), or MLflow's own error code and message.
 */
import { ZenError } from "@zen/core/flavor";
import { insecureFetch } from "./insecure-fetch.ts";

export interface MlflowClientOptions {
  /** The tracking server, e.g. http://127.0.0.1:5000 (no trailing slash needed). */
  trackingUri: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number | undefined;
  /** Skip verifying an https server's certificate (a self-signed server on a trusted network). */
  insecureTls?: boolean | undefined;
  /** Named in error messages, e.g. "experiment tracker 'mlflow_tracker'". */
  what: string;
}

/** The server settings both mlflow flavors take (`tracking_uri`, credentials, `timeout_seconds`, `insecure_tls`). */
export interface MlflowServerConfig {
  tracking_uri: string;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  timeout_seconds?: number | undefined;
  insecure_tls?: boolean | undefined;
}

/** A client for a component's server settings; `what` names the component in errors. */
export function clientFor(config: MlflowServerConfig, what: string): MlflowClient {
  return new MlflowClient({
    trackingUri: config.tracking_uri,
    username: config.username,
    password: config.password,
    token: config.token,
    timeoutMs: config.timeout_seconds === undefined ? undefined : config.timeout_seconds * 1000,
    insecureTls: config.insecure_tls,
    what,
  });
}

/** MLflow's error answer: `{ error_code, message }` with an HTTP status. */
export class MlflowApiError extends ZenError {
  readonly status: number;
  readonly errorCode: string;
  constructor(message: string, status: number, errorCode: string, hint: string) {
    super(message, { code: "ZEN_MLFLOW_REQUEST_FAILED", hint });
    this.status = status;
    this.errorCode = errorCode;
  }
}

export class MlflowClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly what: string;
  private readonly fetch: typeof fetch;

  constructor(options: MlflowClientOptions) {
    this.baseUrl = options.trackingUri.replace(/\/+$/, "");
    this.fetch = options.insecureTls && this.baseUrl.startsWith("https:") ? insecureFetch : fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.what = options.what;
    this.headers = {};
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    else if (options.username !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
    }
  }

  /** A JSON call to `/api/2.0/mlflow/<path>`: GET with query parameters, POST with a JSON body. */
  async call<T = Record<string, unknown>>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: Record<string, unknown>): Promise<T> {
    let url = `${this.baseUrl}/api/2.0/mlflow/${path}`;
    const init: RequestInit = { method, headers: { ...this.headers } };
    if (method === "GET" && body) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined) query.set(k, String(v));
      url += `?${query}`;
    } else if (body) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const response = await this.send(url, init, `${method} ${path}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Uploads one file's bytes through the artifact proxy, under `<experiment>/<run>/artifacts/<path>`. */
  async uploadArtifact(artifactRoot: string, path: string, data: Uint8Array): Promise<void> {
    const url = `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${artifactRoot}/${path}`)}`;
    await this.send(
      url,
      { method: "PUT", headers: { ...this.headers, "content-type": "application/octet-stream" }, body: data },
      `upload of artifact '${path}'`,
    );
  }

  async downloadArtifact(artifactRoot: string, path: string): Promise<Uint8Array> {
    const url = `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${artifactRoot}/${path}`)}`;
    const response = await this.send(url, { method: "GET", headers: { ...this.headers } }, `download of artifact '${path}'`);
    return new Uint8Array(await response.arrayBuffer());
  }

  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) }).catch((error: unknown) => {
        // A kept-alive connection the server closed while idle (uvicorn does after 5 s) fails before
        // the request reaches it: one retry on a fresh connection.
        if (!STALE_SOCKET.has(String((error as { cause?: { code?: string } }).cause?.code))) throw error;
        return this.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      });
    } catch (error) {
      // Checked by name: the abort reason is a DOMException, possibly of another realm.
      const names = [(error as { name?: string })?.name, (error as { cause?: { name?: string } })?.cause?.name];
      const timedOut = names.includes("TimeoutError") || names.includes("AbortError");
      const code = causeText(error);
      if (!timedOut && UNTRUSTED_CERTIFICATE.test(code)) {
        throw new ZenError(`The MLflow server of ${this.what} at ${this.baseUrl} presented a certificate that is not trusted (${code}).`, {
          code: "ZEN_MLFLOW_TLS",
          hint: "Give Node the server's CA (NODE_EXTRA_CA_CERTS=ca.pem), or set the component's insecure_tls to true (only on a network you trust).",
          cause: error,
        });
      }
      throw new ZenError(
        timedOut
          ? `The MLflow server of ${this.what} at ${this.baseUrl} did not answer ${what} within ${Math.round(this.timeoutMs / 1000)} s.`
          : `The MLflow server of ${this.what} at ${this.baseUrl} is not reachable (${code}).`,
        {
          code: timedOut ? "ZEN_MLFLOW_TIMEOUT" : "ZEN_MLFLOW_UNREACHABLE",
          hint: timedOut
            ? "Check the server's load, or raise the component's timeout_seconds."
            : "Start the tracking server, or fix the component's tracking_uri.",
          cause: error,
        },
      );
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    if (response.status === 401 || response.status === 403) {
      throw new ZenError(
        `The MLflow server at ${this.baseUrl} ${response.status === 401 ? "refused the credentials" : "denied access"} ` +
          `of ${this.what} (HTTP ${response.status}) on ${what}.`,
        {
          code: "ZEN_MLFLOW_AUTH",
          hint:
            response.status === 401
              ? "Set the component's username and password (or token) to secret references holding valid credentials."
              : "Grant the component's user permission on the experiment, or use another user.",
        },
      );
    }
    let errorCode = `HTTP_${response.status}`;
    let message = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { error_code?: string; message?: string };
      errorCode = parsed.error_code ?? errorCode;
      message = parsed.message ?? message;
    } catch {
      // Not JSON (a proxy's page): keep the text.
    }
    throw new MlflowApiError(
      `The MLflow server of ${this.what} at ${this.baseUrl} refused ${what}: ${errorCode}: ${message}`,
      response.status,
      errorCode,
      "Check the server's log for the request; the message above is MLflow's own.",
    );
  }
}

const STALE_SOCKET = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);
/** Node's codes for a certificate chain or name it refused. */
const UNTRUSTED_CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

function encodePath(path: string): string {
  return path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
