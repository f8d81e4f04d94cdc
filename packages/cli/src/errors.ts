import { isZenError } from "@zen/core/errors";
import pc from "picocolors";

/** Prints an error as one sentence plus a hint; returns the exit code (1 failure, 2 bad usage). */
export function reportError(error: unknown): number {
  const debug = process.env.ZEN_DEBUG === "1";
  if (isZenError(error)) {
    process.stderr.write(`${pc.red("Error:")} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${pc.dim("Hint:")} ${error.hint}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${pc.red("Error:")} ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write(`${pc.dim("Hint:")} this looks like a bug in zen; run again with ZEN_DEBUG=1 for the stack trace and report it.\n`);
  return 1;
}
