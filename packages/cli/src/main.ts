/** The `zen` command line. Builds the command tree (cheap) and runs one command; handlers load lazily. */
import { buildProgram } from "./program.ts";
import { reportError } from "./errors.ts";

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}
