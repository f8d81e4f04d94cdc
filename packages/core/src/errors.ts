/**
 * Errors a user can act on. The CLI prints `message` as one sentence and `hint` on the next line,
 * and exits with `exitCode`; anything else is a bug and shows a stack trace under ZEN_DEBUG=1.
 */
export class ZenError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly code: string;

  constructor(message: string, options: { hint?: string; code?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ZenError";
    this.hint = options.hint;
    this.code = options.code ?? "ZEN_ERROR";
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad usage of a command (unknown option, missing argument): exit code 2. */
export class UsageError extends ZenError {
  constructor(message: string, options: { hint?: string; code?: string } = {}) {
    super(message, { ...options, code: options.code ?? "ZEN_USAGE", exitCode: 2 });
    this.name = "UsageError";
  }
}

export class NotFoundError extends ZenError {
  constructor(message: string, options: { hint?: string; code?: string } = {}) {
    super(message, { ...options, code: options.code ?? "ZEN_NOT_FOUND" });
    this.name = "NotFoundError";
  }
}

export class ConflictError extends ZenError {
  constructor(message: string, options: { hint?: string; code?: string } = {}) {
    super(message, { ...options, code: options.code ?? "ZEN_CONFLICT" });
    this.name = "ConflictError";
  }
}

export class ValidationError extends ZenError {
  constructor(message: string, options: { hint?: string; code?: string; cause?: unknown } = {}) {
    super(message, { ...options, code: options.code ?? "ZEN_INVALID" });
    this.name = "ValidationError";
  }
}

export function isZenError(error: unknown): error is ZenError {
  // Brand check by name and shape, not instanceof: two copies of @zen/core may share a process.
  return error instanceof Error && typeof (error as ZenError).exitCode === "number" && "hint" in error;
}
