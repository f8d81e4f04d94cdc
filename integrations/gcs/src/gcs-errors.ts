/** `@google-cloud/storage` errors as the one-sentence ZenErrors the rest of zen shows. */
import { ZenError, isZenError } from "@zen/core/errors";
import { bucketNotFoundError, credentialsError, networkErrorCode, permissionError, unreachableError, type StoreErrorContext } from "@zen/core/object-store";

export function gcsStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown; status?: unknown; response?: { status?: unknown } })?.code;
  if (typeof code === "number") return code;
  const status = (error as { status?: unknown })?.status ?? (error as { response?: { status?: unknown } })?.response?.status;
  return typeof status === "number" ? status : undefined;
}

export interface GcsErrorTarget {
  bucket: string;
  uri?: string;
  notFound?: () => Error;
  alreadyExists?: () => Error;
  /** For writes and listings a 404 can only mean the bucket is missing. */
  bucketOnly?: boolean;
}

export function mapGcsError(error: unknown, context: StoreErrorContext, target: GcsErrorTarget): Error {
  if (isZenError(error)) return error;
  const status = gcsStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === undefined && networkErrorCode(error)) return unreachableError(context, error);
  if (/Could not load the default credentials|invalid_grant|invalid_client|Could not refresh access token|private key/i.test(message)) {
    return credentialsError(context, message.split("\n")[0]!.slice(0, 200), error);
  }
  if (status === 401) return credentialsError(context, "401 Unauthorized", error);
  if (status === 412 && target.alreadyExists) return target.alreadyExists();
  if (status === 404) {
    if (target.bucketOnly || (/bucket/i.test(message) && !/object/i.test(message))) return bucketNotFoundError(context, target.bucket, "gs://");
    if (target.notFound) return target.notFound();
  }
  if (status === 403) return permissionError(context, target.uri ? `'${target.uri}'` : `bucket '${target.bucket}'`, error);
  return new ZenError(
    `${context.service} request of artifact store '${context.store}'${target.uri ? ` for '${target.uri}'` : ""} failed: ${message.split("\n")[0]}`,
    {
      code: "ZEN_STORE_ERROR",
      hint: "Retry; if it persists, check the service's status and the store's configuration (`zen artifact-store describe`).",
      cause: error,
    },
  );
}
