/**
 * The few ways a remote artifact store fails before any data moves — unreachable endpoint, rejected
 * credentials, missing bucket, no answer in time — each as one ZenError with a stable `code`, so
 * `zen artifact-store verify`, the check before a run and users' scripts can tell them apart.
 */
import { NotFoundError, ZenError } from "../errors.ts";

export const STORE_ERROR_CODES = {
  unreachable: "ZEN_STORE_UNREACHABLE",
  credentials: "ZEN_STORE_CREDENTIALS",
  permission: "ZEN_STORE_PERMISSION_DENIED",
  bucketNotFound: "ZEN_STORE_BUCKET_NOT_FOUND",
  timeout: "ZEN_STORE_TIMEOUT",
} as const;

export interface StoreErrorContext {
  /** "S3", "GCS", … */
  service: string;
  /** The artifact store component's name. */
  store: string;
  /** The endpoint in use, when not the service's default. */
  endpoint?: string | undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

const NETWORK_CODE_IN_MESSAGE = new RegExp(`\\b(${[...NETWORK_CODES].join("|")})\\b`);

/**
 * The network error code of `error` or of one of its causes (`ECONNREFUSED`, …), if any. SDKs that
 * meet an error from another realm (a test VM) wrap it into a message, so the message counts too.
 */
export function networkErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, name, errors, cause } = current as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    if (name === "TimeoutError" || code === "TimeoutError") return "ETIMEDOUT";
    const inMessage = NETWORK_CODE_IN_MESSAGE.exec(String((current as { message?: unknown }).message ?? ""))?.[1];
    if (inMessage) return inMessage;
    if (Array.isArray(errors)) queue.push(...errors);
    if (cause !== undefined) queue.push(cause);
  }
  return undefined;
}

export function unreachableError(context: StoreErrorContext, cause: unknown): ZenError {
  const where = context.endpoint ? `the ${context.service} endpoint ${context.endpoint}` : `the ${context.service} service`;
  const code = networkErrorCode(cause);
  return new ZenError(`Artifact store '${context.store}' cannot reach ${where}${code ? ` (${code})` : ""}.`, {
    code: STORE_ERROR_CODES.unreachable,
    hint: context.endpoint
      ? `Check that the service runs and that the endpoint is right: \`zen artifact-store update ${context.store} --endpoint_url=<url>\`.`
      : "Check the network connection and the proxy settings of this machine.",
    cause,
  });
}

export function credentialsError(context: StoreErrorContext, detail: string, cause: unknown): ZenError {
  return new ZenError(`The ${context.service} service rejected the credentials of artifact store '${context.store}' (${detail}).`, {
    code: STORE_ERROR_CODES.credentials,
    hint: "Check the secret the store's credential fields reference (`zen secret get <name>`), or the default credential chain of this machine.",
    cause,
  });
}

export function permissionError(context: StoreErrorContext, what: string, cause: unknown): ZenError {
  return new ZenError(`The credentials of artifact store '${context.store}' are not allowed to access ${what}.`, {
    code: STORE_ERROR_CODES.permission,
    hint: `Grant the credentials read, write, list and delete rights on the ${context.service} bucket and prefix.`,
    cause,
  });
}

export function bucketNotFoundError(context: StoreErrorContext, bucket: string, scheme: string): NotFoundError {
  const update = `zen artifact-store update ${context.store} --path=${scheme}<bucket>/<prefix>`;
  return new NotFoundError(`The ${context.service} bucket '${bucket}' of artifact store '${context.store}' does not exist.`, {
    code: STORE_ERROR_CODES.bucketNotFound,
    hint: `Create the bucket, or point the artifact store at an existing one: \`${update}\`.`,
  });
}

/** Rejects with a ZEN_STORE_TIMEOUT error when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ZenError(`No answer from ${what} within ${Math.round(ms / 100) / 10} s.`, {
          code: STORE_ERROR_CODES.timeout,
          hint: "Check the endpoint and the network (a firewall that drops packets looks like this).",
        }),
      );
    }, ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
