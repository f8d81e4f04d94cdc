/** `zen completion <shell>`: prints the completion script on stdout and how to install it on stderr. */
import { UsageError } from "@zen/core/command-line";
import type { Invocation } from "../command-line/spec.ts";
import { SHELLS } from "../completion/engine.ts";
import { INSTALL, SCRIPTS, type Shell } from "../completion/scripts.ts";
import { stderr, stdout } from "../stdio.ts";

export async function completion(command: Invocation): Promise<void> {
  const [shell] = command.args as [string];
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`No completion script for the shell '${shell}'.`, { hint: `Use one of: ${SHELLS.join(", ")}.` });
  }
  stdout.write(SCRIPTS[shell as Shell]);
  if (!command.options.quiet) stderr.write(`Install: ${INSTALL[shell as Shell]}\n`);
}
