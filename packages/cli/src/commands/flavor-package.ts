/**
 * `zen flavor …`: authoring flavor packages for npm. `init` scaffolds a ready-to-publish package,
 * `check` lints one before it is published. Defining the commands imports nothing: each action loads
 * its handler on demand.
 */
import { Option, type Command } from "commander";

export function registerFlavorCommands(program: Command): void {
  const group = program.command("flavor").description("author flavor packages: scaffold one, check one before publishing");

  group
    .command("init")
    .description("create a ready-to-publish flavor package (flavors module, implementation, conformance test)")
    .argument("[dir]", "directory of the new package (default: the package name without its scope)")
    .requiredOption("-t, --type <type>", "component type of the flavor, e.g. artifact-store or orchestrator")
    .requiredOption("-n, --name <flavor>", "name of the flavor, e.g. memo")
    .option("-p, --package <name>", "npm package name (default: zen-integration-<flavor>)")
    .addOption(new Option("--core <spec>", "where the package's devDependencies get @zen/core (default: ^<this version>)").hideHelp())
    .addOption(new Option("--cli <spec>", "where the package's devDependencies get @zen/cli (default: ^<this version>)").hideHelp())
    .action(async (_dir: string | undefined, _options: unknown, command: Command) => (await import("./flavor-init.ts")).init(command));

  group
    .command("check")
    .description("lint a flavor package before publishing: the zen key, exports, apiVersion, peer range, flavors")
    .argument("[dir]", "directory of the package (default: the current directory)")
    .addOption(new Option("--output <format>", "output format: table, json or yaml").choices(["table", "json", "yaml"]).default("table"))
    .action(async (_dir: string | undefined, _options: unknown, command: Command) => (await import("./flavor-check.ts")).check(command));
}
