/** The `zen` command line: finds the command named on the line and runs it; handlers load lazily. */
import { renderHelp } from "./command-line/help.ts";
import { parseCommandLine } from "./command-line/parse.ts";
import { reportError } from "./errors.ts";
import { buildProgram } from "./program.ts";
import { stdout } from "./stdio.ts";

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    const program = buildProgram();
    // The shell's Tab (see `zen completion`): answered apart from the commands, never failing.
    if (argv[2] === "__complete") return await (await import("./completion/engine.ts")).printCompletions(program, argv.slice(3));
    const outcome = parseCommandLine(program, argv.slice(2));
    if (outcome.kind === "help") stdout.write(renderHelp(program, outcome.path));
    else if (outcome.kind === "version") stdout.write(`${program.version}\n`);
    else await outcome.command.run!(outcome.invocation);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}
