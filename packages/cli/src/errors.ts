import { isZenError } from "@zen/core/command-line";
import { colors } from "./colors.ts";
import { stderr } from "./stdio.ts";

/** Prints an error as one sentence plus a hint; returns the exit code (1 failure, 2 bad usage). */
export function reportError(error: unknown): number {
  const debug = process.env.ZEN_DEBUG === "1";
  if (isZenError(error)) {
    stderr.write(`${colors.red("Error:")} ${error.message}\n`);
    if (error.hint) stderr.write(`${colors.dim("Hint:")} ${error.hint}\n`);
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`${colors.red("Error:")} ${message}\n`);
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  else stderr.write(`${colors.dim("Hint:")} this looks like a bug in zen; run again with ZEN_DEBUG=1 for the stack trace and report it.\n`);
  return 1;
}
