/**
 * Defence in depth for everything that shows a configuration (describe, list, export, run metadata)
 * or an error: secret fields should only ever hold references, but if a value slipped through it is
 * shown as `****`, and resolved secret values are scrubbed from error text.
 */
import { isSecretReference } from "./references.ts";

export const MASK = "****";

/** A copy of `config` whose secret fields keep references but show any other value as `****`. */
export function maskSecrets(config: Record<string, unknown>, secretFields: readonly string[]): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  for (const field of secretFields) {
    if (!Object.hasOwn(masked, field)) continue;
    const value = masked[field];
    if (value === undefined || value === null || isSecretReference(value)) continue;
    masked[field] = MASK;
  }
  return masked;
}

/**
 * Replaces every occurrence of each secret value in `text` with `****`, including the value's JSON-
 * escaped and URL-encoded forms (errors often carry a serialized request or a connection URL).
 */
export function redact(text: string, secrets: readonly string[]): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length === 0) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
    needles.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret containing another is scrubbed whole.
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    if (needle.length > 0) result = result.split(needle).join(MASK);
  }
  return result;
}

/**
 * Scrubs secret values from an error's message, hint and stack (and its causes) in place, for errors
 * raised by code that saw resolved secrets. Returns the same error.
 */
export function redactError<E>(error: E, secrets: readonly string[]): E {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current) && secrets.length > 0) {
    seen.add(current);
    const target = current as Error & { hint?: unknown };
    target.message = redact(target.message, secrets);
    if (typeof target.stack === "string") target.stack = redact(target.stack, secrets);
    if (typeof target.hint === "string") target.hint = redact(target.hint, secrets);
    current = target.cause;
  }
  return error;
}
