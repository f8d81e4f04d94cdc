/**
 * A client of the OCI distribution API (the one every registry speaks): blobs (check, mount, upload,
 * download) and manifests. Authenticates with the credentials given, as Basic or through the token
 * endpoint a `WWW-Authenticate: Bearer` challenge names. Loopback registries are spoken to over http.
 */
import { createHash } from "node:crypto";
import { ZenError } from "../errors.ts";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  credentials?: RegistryCredentials | undefined;
  /** Plain http; default only for localhost / 127.0.0.1. */
  insecure?: boolean;
  /** The HTTP transport (e.g. one that counts requests); default the global fetch. */
  fetch?: typeof fetch;
}

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];

export interface FetchedManifest {
  mediaType: string;
  bytes: Buffer;
  digest: string | undefined;
}

function registryError(registry: string, what: string, response: Response, body: string): ZenError {
  let detail = body.slice(0, 300);
  try {
    const errors = (JSON.parse(body) as { errors?: { code?: string; message?: string }[] }).errors;
    if (errors?.length) detail = errors.map((e) => `${e.code ?? ""} ${e.message ?? ""}`.trim()).join("; ");
  } catch {
    // Not the registry's JSON error shape: show the start of the body.
  }
  const auth = response.status === 401 || response.status === 403;
  return new ZenError(`The container registry ${registry} refused to ${what} (HTTP ${response.status}${detail ? `: ${detail}` : ""}).`, {
    code: auth ? "ZEN_REGISTRY_AUTH" : "ZEN_REGISTRY",
    hint: auth
      ? "Give the container registry component credentials that may push (username/password as secret references)."
      : "Check the container registry's URI and that it accepts pushes of OCI images.",
  });
}

export class RegistryClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private authorization: string | undefined;

  constructor(
    readonly registry: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    const insecure = options.insecure ?? /^(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(registry);
    this.base = `${insecure ? "http" : "https"}://${registry}`;
    this.fetch = options.fetch ?? fetch;
  }

  private async send(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const request = () =>
      this.fetch(url, {
        method,
        headers: { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        ...(init.body ? { body: init.body } : {}),
        redirect: "follow",
      });
    let response = await request();
    if (response.status === 401 && (await this.authenticate(response))) response = await request();
    return response;
  }

  /** Answers a 401 challenge; false when there is nothing more to try. */
  private async authenticate(response: Response): Promise<boolean> {
    const challenge = response.headers.get("www-authenticate") ?? "";
    await response.body?.cancel();
    const creds = this.options.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` : undefined;
    if (/^basic/i.test(challenge)) {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (!/^bearer/i.test(challenge)) return false;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
    if (!params.realm) return false;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    if (params.scope) url.searchParams.set("scope", params.scope);
    const token = await this.fetch(url, { headers: basic ? { authorization: basic } : {} });
    if (!token.ok) throw registryError(this.registry, "issue a token", token, await token.text());
    const body = (await token.json()) as { token?: string; access_token?: string };
    const value = body.token ?? body.access_token;
    if (!value || this.authorization === `Bearer ${value}`) return false;
    this.authorization = `Bearer ${value}`;
    return true;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.send("HEAD", `/v2/${repository}/blobs/${digest}`);
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw registryError(this.registry, `check blob ${digest}`, response, "");
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.send("GET", `/v2/${repository}/blobs/${digest}`);
    if (!response.ok) throw registryError(this.registry, `read blob ${digest} of ${repository}`, response, await response.text());
    return Buffer.from(await response.arrayBuffer());
  }

  /** Mounts a blob from another repository of the same registry; false when the registry uploads instead. */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const response = await this.send("POST", `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
    await response.body?.cancel();
    if (response.status === 201) return true;
    if (response.status === 202) {
      const location = response.headers.get("location");
      if (location) await (await this.send("DELETE", new URL(location, this.base).href)).body?.cancel();
      return false;
    }
    throw registryError(this.registry, `mount blob ${digest}`, response, "");
  }

  /** A monolithic upload: POST a session, PUT the bytes with their digest. */
  async pushBlob(repository: string, digest: string, data: Uint8Array): Promise<void> {
    const start = await this.send("POST", `/v2/${repository}/blobs/uploads/`);
    if (start.status !== 202) throw registryError(this.registry, `start an upload to ${repository}`, start, await start.text());
    await start.body?.cancel();
    const location = start.headers.get("location");
    if (!location) throw new ZenError(`The container registry ${this.registry} started an upload without a location.`, { code: "ZEN_REGISTRY" });
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const put = await this.send("PUT", url.href, { headers: { "content-type": "application/octet-stream" }, body: data });
    if (put.status !== 201) throw registryError(this.registry, `store blob ${digest}`, put, await put.text());
    await put.body?.cancel();
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const response = await this.send("GET", `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_TYPES.join(", ") } });
    if (!response.ok) throw registryError(this.registry, `read manifest ${repository}:${reference}`, response, await response.text());
    const bytes = Buffer.from(await response.arrayBuffer());
    // A manifest asked for by digest must be that content: what a pinned base image promises.
    if (/^sha256:[a-f0-9]{64}$/.test(reference)) {
      const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
      if (actual !== reference) {
        throw new ZenError(`The container registry ${this.registry} answered ${repository}@${reference} with a manifest of another digest (${actual}).`, {
          code: "ZEN_REGISTRY_DIGEST",
          hint: "The registry, or something between, changed the image: pull it from a registry you trust.",
        });
      }
    }
    const mediaType =
      (response.headers.get("content-type") ?? "").split(";")[0]!.trim() || ((JSON.parse(bytes.toString("utf8")) as { mediaType?: string }).mediaType ?? "");
    return { mediaType, bytes, digest: response.headers.get("docker-content-digest") ?? undefined };
  }

  async hasManifest(repository: string, reference: string): Promise<boolean> {
    const response = await this.send("HEAD", `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_TYPES.join(", ") } });
    await response.body?.cancel();
    return response.ok;
  }

  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    const response = await this.send("PUT", `/v2/${repository}/manifests/${reference}`, { headers: { "content-type": mediaType }, body: bytes });
    if (response.status !== 201) throw registryError(this.registry, `store manifest ${repository}:${reference}`, response, await response.text());
    await response.body?.cancel();
  }
}
