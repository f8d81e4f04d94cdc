/**
 * What tests and benchmarks need to reach the servers `start.sh` runs: endpoints and credentials from
 * `.services/env` (environment variables of the same names win). A test that needs a server calls
 * `requireS3()` / `requireGcs()`, which fail with a clear message when the server is not there:
 * such tests never skip.
 */
import { readFileSync } from "node:fs";
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

async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
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
