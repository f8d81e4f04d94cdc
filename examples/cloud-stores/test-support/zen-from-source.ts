/**
 * Runs the `zen` CLI from its TypeScript sources (no build needed), for the end-to-end tests.
 * Until the CLI wires `zen artifact-store verify [NAME]` and `zen stack verify [NAME]` itself, this
 * runner adds them exactly as packages/cli/src/program.ts should.
 */
import { buildProgram } from "../../../packages/cli/src/program.ts";
import { reportError } from "../../../packages/cli/src/errors.ts";

/** commander's Command (this project does not depend on commander itself). */
type Command = ReturnType<typeof buildProgram>;

function addVerify(group: Command | undefined, handler: "verify" | "verifyStack", what: string): void {
  if (!group || group.commands.length === 0 || group.commands.some((c) => c.name() === "verify")) return;
  group
    .command("verify")
    .description(`write, read back and delete a probe object with ${what}'s credentials`)
    .argument("[name]")
    .option("--timeout <seconds>", "give up after this many seconds (default 30)")
    .addOption(group.createOption("--output <format>", "output format: table, json or yaml").choices(["table", "json", "yaml"]).default("table"))
    .action(async (...args: unknown[]) => {
      const { [handler]: run } = await import("../../../packages/cli/src/commands/verify.ts");
      await run(args[args.length - 1] as Command);
    });
}

const argv = process.argv;
const program = buildProgram(argv);
addVerify(program.commands.find((c) => c.name() === "artifact-store"), "verify", "an artifact store");
addVerify(program.commands.find((c) => c.name() === "stack"), "verifyStack", "a stack's artifact store");
try {
  await program.parseAsync([...argv]);
  process.exitCode = typeof process.exitCode === "number" ? process.exitCode : 0;
} catch (error) {
  process.exitCode = reportError(error);
}
