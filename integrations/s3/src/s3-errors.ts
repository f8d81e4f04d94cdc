/** AWS SDK errors as the one-sentence ZenErrors the rest of zen shows. */
import { ZenError, isZenError } from "@zen/core/errors";
import {
  STORE_ERROR_CODES,
  bucketNotFoundError,
  credentialsError,
  networkErrorCode,
  permissionError,
  unreachableError,
  type StoreErrorContext,
} from "@zen/core/object-store";

const CREDENTIAL_ERRORS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "InvalidClientTokenId",
  "AuthorizationHeaderMalformed",
  // versitygw's answer to an unknown access key id (AWS says InvalidAccessKeyId).
  "XAdminUserNotFound",
]);

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function s3ErrorName(error: unknown): string | undefined {
  const e = error as SdkError;
  return e?.Code ?? e?.name;
}

export function s3Status(error: unknown): number | undefined {
  return (error as SdkError)?.$metadata?.httpStatusCode;
}

export interface S3ErrorTarget {
  bucket: string;
  /** The artifact-store path the operation was about, for messages. */
  uri?: string;
  notFound?: () => Error;
  alreadyExists?: () => Error;
}

/** Maps an SDK error to a ZenError; errors that already are ZenErrors pass through. */
export function mapS3Error(error: unknown, context: StoreErrorContext, target: S3ErrorTarget): Error {
  if (isZenError(error)) return error;
  const name = s3ErrorName(error);
  const status = s3Status(error);
  const message = (error as SdkError)?.message ?? String(error);
  if (networkErrorCode(error) && status === undefined) return unreachableError(context, error);
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return credentialsError(context, "no credentials found in the AWS default chain; set access_key_id and secret_access_key", error);
  }
  if (/Region is missing/i.test(message)) {
    return new ZenError(`Artifact store '${context.store}' has no AWS region.`, {
      code: "ZEN_STORE_CONFIG",
      hint: `Set it: \`zen artifact-store update ${context.store} --region=<region>\` (or AWS_REGION).`,
      cause: error,
    });
  }
  if (name && CREDENTIAL_ERRORS.has(name)) return credentialsError(context, name, error);
  if (name === "NoSuchBucket") return bucketNotFoundError(context, target.bucket, "s3://");
  if ((name === "NoSuchKey" || name === "NotFound" || status === 404) && target.notFound) return target.notFound();
  if ((name === "PreconditionFailed" || status === 412 || name === "ConditionalRequestConflict") && target.alreadyExists) {
    return target.alreadyExists();
  }
  if (name === "AccessDenied" || name === "AllAccessDisabled" || status === 403) {
    return permissionError(context, target.uri ? `'${target.uri}'` : `bucket '${target.bucket}'`, error);
  }
  const forUri = target.uri ? ` for '${target.uri}'` : "";
  const prefix = name && name !== "Error" ? `${name}: ` : "";
  return new ZenError(`${context.service} request of artifact store '${context.store}'${forUri} failed: ${prefix}${message}`, {
    code: "ZEN_STORE_ERROR",
    hint: "Retry; if it persists, check the service's status and the store's configuration (`zen artifact-store describe`).",
    cause: error,
  });
}

export { STORE_ERROR_CODES };
