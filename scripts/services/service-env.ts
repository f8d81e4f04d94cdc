/**
 * What tests and benchmarks need to reach the servers `start.sh` runs: endpoints and credentials from
 * `.services/env` (environment variables of the same names win). A test that needs a server calls
 * `requireS3()` / `requireGcs()`, which fail with a clear message when the server is not there:
 * such tests never skip.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SERVICES_DIR = process.env.ZEN_SERVICES_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "../../.services");
const START_HINT = "Start the test servers with `bash scripts/services/start.sh` (it installs them first if needed).";

export interface S3Service {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface GcsService {
  endpoint: string;
  projectId: string;
}

/** `.services/env` under the process environment. Also disables the SDKs' cloud-metadata probes and the AWS SDK's Node 20 notice. */
export function serviceEnv(): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  try {
    for (const line of readFileSync(join(SERVICES_DIR, "env"), "utf8").split("\n")) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (match) values[match[1]!] = match[2]!;
    }
  } catch {
    // No env file: the environment alone may name the servers.
  }
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  // The SDK's 7-line Node 20 deprecation notice, once per test file, buries test output (see the s3 README).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.METADATA_SERVER_DETECTION = "none";
  return { ...values, ...process.env };
}

/**
 * Whether the server answers its health URL. A server that is down refuses at once; one that is up may
 * be slow (MLflow's single worker on a loaded machine) or close a kept-alive connection just as it is
 * reused (fetch's pool is shared by every test file of a Jest worker): those get retried for 20 s.
 */
async function reachable(url: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      return response.ok;
    } catch (error) {
      const refused = (error as { cause?: { code?: unknown } }).cause?.code === "ECONNREFUSED";
      if (refused || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function need(env: Record<string, string | undefined>, key: string, what: string): string {
  const value = env[key];
  if (!value) throw new Error(`${what} is not configured: ${key} is unset and ${join(SERVICES_DIR, "env")} does not name it. ${START_HINT}`);
  return value;
}

export async function requireS3(): Promise<S3Service> {
  const env = serviceEnv();
  const endpoint = need(env, "ZEN_S3_ENDPOINT", "The S3 test server (versitygw)");
  if (!(await reachable(`${endpoint}/health`))) {
    throw new Error(`The S3 test server (versitygw) is not reachable at ${endpoint}. ${START_HINT}`);
  }
  return {
    endpoint,
    region: env.ZEN_S3_REGION ?? "us-east-1",
    accessKeyId: need(env, "ZEN_S3_ACCESS_KEY_ID", "The S3 test credentials"),
    secretAccessKey: need(env, "ZEN_S3_SECRET_ACCESS_KEY", "The S3 test credentials"),
  };
}

export async function requireGcs(): Promise<GcsService> {
  const env = serviceEnv();
  const endpoint = need(env, "ZEN_GCS_ENDPOINT", "The GCS test server (fake-gcs-server)");
  if (!(await reachable(`${endpoint}/_internal/healthcheck`))) {
    throw new Error(`The GCS test server (fake-gcs-server) is not reachable at ${endpoint}. ${START_HINT}`);
  }
  return { endpoint, projectId: env.ZEN_GCS_PROJECT ?? "zen-test" };
}

/** A bucket name unique to this process and call, valid for S3 and GCS. */
export function uniqueBucketName(prefix = "zen-test"): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}

/** A database server `start.sh` runs (MariaDB or PostgreSQL), with the password-authenticated test superuser. */
export interface DatabaseService {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** True when something accepts TCP connections on host:port within 3 s. */
async function listening(host: string, port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

async function requireDatabase(prefix: string, what: string): Promise<DatabaseService> {
  const env = serviceEnv();
  const host = need(env, `${prefix}_HOST`, what);
  const port = Number(need(env, `${prefix}_PORT`, what));
  if (!(await listening(host, port))) throw new Error(`${what} is not reachable at ${host}:${port}. ${START_HINT}`);
  return { host, port, user: need(env, `${prefix}_USER`, what), password: need(env, `${prefix}_PASSWORD`, what) };
}

export function requireMariaDb(): Promise<DatabaseService> {
  return requireDatabase("ZEN_MARIADB", "The MariaDB test server");
}

export function requirePostgres(): Promise<DatabaseService> {
  return requireDatabase("ZEN_POSTGRES", "The PostgreSQL test server");
}

/**
 * A database of its own for one test (or suite): created on the server through `run` (any client's
 * "execute this statement"), dropped by the returned `drop`. Names are unique per process and call.
 */
export async function createTestDatabase(run: (sql: string) => Promise<unknown>, prefix = "zen_test"): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  await run(`CREATE DATABASE ${name}`);
  return { name, drop: async () => void (await run(`DROP DATABASE IF EXISTS ${name}`)) };
}

/** A database of its own on a SQL test server, as the metadata-store flavors and store URLs see it. */
export interface ServerTestDatabase {
  server: DatabaseService;
  name: string;
  /** Connection options for the driver (`connectTimeoutMs` as given). */
  options: DatabaseService & { database: string; connectTimeoutMs: number };
  /** The flavor configuration of this database (password given literally: tests resolve no secrets). */
  config: { host: string; port: number; database: string; username: string; password: string };
  /** `<scheme>://user@host:port/db`. */
  url: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database through an admin connection to `adminDatabase`; `drop()` removes it. */
export async function serverTestDatabase(
  server: DatabaseService,
  how: {
    scheme: string;
    adminDatabase: string;
    connectTimeoutMs: number;
    connect: (
      options: DatabaseService & { database: string; connectTimeoutMs: number },
    ) => Promise<{ execute(sql: string): Promise<unknown>; close(): Promise<void> }>;
    prefix?: string;
  },
): Promise<ServerTestDatabase> {
  const admin = await how.connect({ ...server, database: how.adminDatabase, connectTimeoutMs: how.connectTimeoutMs });
  const created = await createTestDatabase((sql) => admin.execute(sql), how.prefix);
  return {
    server,
    name: created.name,
    options: { ...server, database: created.name, connectTimeoutMs: how.connectTimeoutMs },
    config: { host: server.host, port: server.port, database: created.name, username: server.user, password: server.password },
    url: `${how.scheme}://${server.user}@${server.host}:${server.port}/${created.name}`,
    async drop() {
      try {
        await created.drop();
      } finally {
        await admin.close();
      }
    },
  };
}

/** The OCI registry (`crane registry serve`) as `host:port`, and the `crane` binary that reads images back. */
export interface RegistryService {
  host: string;
  crane: string;
}

export async function requireRegistry(): Promise<RegistryService> {
  const env = serviceEnv();
  const host = need(env, "ZEN_REGISTRY", "The OCI test registry (crane registry serve)");
  if (!(await reachable(`http://${host}/v2/`))) throw new Error(`The OCI test registry (crane registry serve) is not reachable at ${host}. ${START_HINT}`);
  return { host, crane: join(SERVICES_DIR, "bin", "crane") };
}

/** The Python of the venv holding Kubeflow's own packages (kfp, kfp-pipeline-spec, kfp-kubernetes). */
export function requireKfpPython(): string {
  const env = serviceEnv();
  const python = env.ZEN_KFP_PYTHON ?? join(SERVICES_DIR, "venv-kfp", "bin", "python");
  if (!existsSync(python) || !existsSync(join(dirname(dirname(python)), ".zen-version"))) {
    throw new Error(`Kubeflow's Python packages are not installed (${python}). Install them with \`bash scripts/services/install.sh\`.`);
  }
  return python;
}

/** The two MLflow tracking servers (`mlflow server`, SQLite backend, artifact proxy) and the venv with MLflow's Python client. */
export interface MlflowService {
  /** No authentication. */
  trackingUri: string;
  /** `--app-name basic-auth`: answers 401 without valid Basic credentials. */
  authTrackingUri: string;
  adminUser: string;
  adminPassword: string;
  /** The venv's python (MLflow's own client, scikit-learn) and bin directory (`mlflow`, `uvicorn`). */
  python: string;
  bin: string;
}

export async function requireMlflow(): Promise<MlflowService> {
  const env = serviceEnv();
  const trackingUri = need(env, "ZEN_MLFLOW_TRACKING_URI", "The MLflow test server");
  const authTrackingUri = need(env, "ZEN_MLFLOW_AUTH_TRACKING_URI", "The MLflow test server with basic auth");
  if (!(await reachable(`${trackingUri}/health`))) throw new Error(`The MLflow test server is not reachable at ${trackingUri}. ${START_HINT}`);
  if (!(await listening("127.0.0.1", Number(new URL(authTrackingUri).port)))) {
    throw new Error(`The MLflow test server with basic auth is not reachable at ${authTrackingUri}. ${START_HINT}`);
  }
  const venv = env.ZEN_MLFLOW_VENV ?? join(SERVICES_DIR, "venv-mlflow");
  return {
    trackingUri,
    authTrackingUri,
    adminUser: need(env, "ZEN_MLFLOW_ADMIN_USER", "The MLflow test credentials"),
    adminPassword: need(env, "ZEN_MLFLOW_ADMIN_PASSWORD", "The MLflow test credentials"),
    python: join(venv, "bin", "python"),
    bin: join(venv, "bin"),
  };
}

/** Debian's Chromium, for the dashboard's browser tests (`ZEN_CHROMIUM` overrides the path). Installed by install.sh (chromium.sh). */
export function requireChromium(): string {
  const path = process.env.ZEN_CHROMIUM ?? serviceEnv().ZEN_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(`Chromium is not installed (${path}). Install it with \`bash scripts/services/install.sh\` (Debian's chromium package).`);
  }
  return path;
}
