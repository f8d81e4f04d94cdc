/**
 * The command tree. Defining it imports only the component-type table; every action imports its
 * handler module on demand, so `zen --help` never loads stores, flavors or integrations.
 */
import { Command, Option } from "commander";
import { COMPONENT_TYPES, type ComponentTypeInfo } from "@zen/core/component-types";
import { cliPackage } from "./cli-package.ts";
import { registerPipelineCommands } from "./commands/pipeline.ts";
import { registerFlavorCommands } from "./commands/flavor-package.ts";

const OUTPUT_HELP = "output format: table, json or yaml";

type Handler = (command: Command) => Promise<void>;

/** Wraps a lazily imported handler as a commander action (the command is the action's last argument). */
function lazy(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const handler = await load();
    await handler(command);
  };
}

function withOutput(command: Command): Command {
  return command.addOption(new Option("--output <format>", OUTPUT_HELP).choices(["table", "json", "yaml"]).default("table"));
}

function yes(command: Command): Command {
  return command.option("-y, --yes", "do not ask for confirmation");
}

/**
 * Builds the command tree. Only the group the user invoked gets its subcommands (root `--help`
 * needs just the group names), which keeps startup cheap with ten generated component groups.
 */
export function buildProgram(argv: readonly string[] = process.argv): Command {
  const invoked = new Set(argv.slice(2).filter((a) => !a.startsWith("-")));
  const program = new Command("zen")
    .description("Describe and switch the infrastructure your ML pipelines run on.")
    .version(VERSION, "-V, --version")
    .option("--profile <name>", "use this profile for this command (overrides ZEN_PROFILE and .zen/config.yaml)")
    .option("--stack <name>", "use this stack for this command (overrides ZEN_STACK and .zen/config.yaml)")
    .option("-q, --quiet", "print only results and errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  for (const type of COMPONENT_TYPES) addComponentGroup(program, type, invoked.has(type.cliGroup));
  addStackGroup(program);
  addProfileGroup(program);
  addSecretGroup(program);

  program
    .command("init")
    .description("make this directory a zen repository that pins the active profile and stack")
    .option("--path <dir>", "directory to initialise (default: current directory)")
    .action(lazy(async () => (await import("./commands/repository.ts")).init));
  program
    .command("status")
    .description("show the effective profile and stack, and where each setting comes from")
    .addOption(new Option("--output <format>", OUTPUT_HELP).choices(["table", "json", "yaml"]).default("table"))
    .action(lazy(async () => (await import("./commands/repository.ts")).status));
  yes(
    program
      .command("clean")
      .description("delete the global configuration (profiles, stacks, local stores) and this repository's .zen"),
  ).action(lazy(async () => (await import("./commands/repository.ts")).clean));
  withOutput(
    program.command("doctor").description("check the installation: discovered flavor packages, problems and their causes"),
  ).action(lazy(async () => (await import("./commands/doctor.ts")).doctor));

  registerPipelineCommands(program);
  registerFlavorCommands(program);
  return program;
}

/** "an artifact store", "a stack". */
function a(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

function addComponentGroup(program: Command, type: ComponentTypeInfo, withSubcommands: boolean): void {
  const group = program.command(type.cliGroup).description(`manage ${type.pluralDisplayName} (${type.description.toLowerCase()})`);
  if (!withSubcommands) return;
  const handlers = async () => (await import("./commands/component.ts")).handlers(type.key);

  withOutput(group.command("list").description(`list the ${type.pluralDisplayName} of the active profile`)).action(
    lazy(async () => (await handlers()).list),
  );
  group
    .command("register")
    .description(`register ${a(type.displayName)}: zen ${type.cliGroup} register NAME --flavor FLAVOR [--key=value ...]`)
    .argument("<name>", `name of the new ${type.displayName}`)
    .requiredOption("-f, --flavor <flavor>", `flavor (see: zen ${type.cliGroup} flavor list)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption("-h, --help", "show help; configuration keys are listed by `flavor describe`")
    .action(lazy(async () => (await handlers()).register));
  withOutput(
    group
      .command("describe")
      .description(`show the configuration of ${a(type.displayName)} (default: the active stack's)`)
      .argument("[name]"),
  ).action(lazy(async () => (await handlers()).describe));
  group.command("get").description(`print the active stack's ${type.displayName}`).action(lazy(async () => (await handlers()).get));
  group
    .command("update")
    .description(`change configuration: zen ${type.cliGroup} update [NAME] --key=value ...`)
    .argument("[name]")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(lazy(async () => (await handlers()).update));
  group
    .command("rename")
    .description(`rename ${a(type.displayName)} (stacks that use it follow)`)
    .argument("<name>")
    .argument("<new-name>")
    .action(lazy(async () => (await handlers()).rename));
  yes(group.command("delete").description(`delete ${a(type.displayName)} that no stack uses`).argument("<name>")).action(
    lazy(async () => (await handlers()).remove),
  );

  if (type.key === "artifact_store") {
    withOutput(
      group
        .command("verify")
        .description("write, read back and delete a probe object with the configured credentials (default: the active stack's)")
        .argument("[name]")
        .option("--timeout <seconds>", "give up after this many seconds", "30"),
    ).action(lazy(async () => (await import("./commands/verify.ts")).verify));
  }

  const flavor = group.command("flavor").description(`flavors (implementations) of ${type.pluralDisplayName}`);
  withOutput(flavor.command("list").description("list available flavors, the package providing each, and whether it is ready")).action(
    lazy(async () => (await handlers()).flavorList),
  );
  withOutput(flavor.command("describe").description("show where a flavor comes from and its configuration keys").argument("<name>")).action(
    lazy(async () => (await handlers()).flavorDescribe),
  );
  flavor
    .command("register")
    .description("register a custom flavor from a module: zen FLAVOR register ./src/my-flavor.ts#myFlavor")
    .argument("<specifier>", "module#export, resolved from the repository (or project) root")
    .action(lazy(async () => (await handlers()).flavorRegister));
}

function componentOptions(command: Command, mode: "register" | "update" | "remove"): Command {
  for (const type of COMPONENT_TYPES) {
    const flags = `-${type.shortOption}, --${type.longOption}`;
    if (mode === "remove") {
      if (!type.required) command.option(flags, `remove the ${type.displayName}`);
    } else {
      command.option(`${flags} <name>`, `${type.displayName}${type.required && mode === "register" ? " (required)" : ""}`);
    }
  }
  return command;
}

function addStackGroup(program: Command): void {
  const stack = program.command("stack").description("manage stacks: sets of components your pipelines run on");
  const handler = (name: string) => lazy(async () => ((await import("./commands/stack.ts")) as unknown as Record<string, Handler>)[name]!);

  componentOptions(stack.command("register").description("register a stack from registered components").argument("<name>"), "register")
    .option("--set", "make it the active stack")
    .action(handler("register"));
  withOutput(stack.command("list").description("list the stacks of the active profile")).action(handler("list"));
  withOutput(stack.command("describe").description("show a stack's components (default: the active stack)").argument("[name]")).action(
    handler("describe"),
  );
  stack
    .command("set")
    .description("activate a stack (in this repository, or globally with --global)")
    .argument("<name>")
    .option("-g, --global", "set the profile's global active stack even inside a repository")
    .action(handler("set"));
  stack.command("get").description("print the active stack").action(handler("get"));
  componentOptions(stack.command("update").description("replace components of a stack").argument("[name]"), "update").action(
    handler("update"),
  );
  componentOptions(
    stack.command("remove-component").description("remove optional components from a stack").argument("[name]"),
    "remove",
  ).action(handler("removeComponent"));
  stack.command("rename").description("rename a stack").argument("<name>").argument("<new-name>").action(handler("rename"));
  yes(stack.command("delete").description("delete a stack (its components stay)").argument("<name>")).action(handler("remove"));
  stack
    .command("copy")
    .description("copy a stack within the profile or to another profile")
    .argument("<name>")
    .argument("<new-name>")
    .option("--to-profile <profile>", "copy into this profile")
    .action(handler("copy"));
  stack
    .command("export")
    .description("write a stack and its components to a YAML file (secrets stay references)")
    .argument("<name>")
    .argument("[file]", "default: <name>.yaml")
    .action(handler("exportStack"));
  stack
    .command("import")
    .description("register a stack from a file written by `zen stack export`")
    .argument("<file>")
    .option("--name <name>", "register under this name")
    .action(handler("importStack"));
  stack.command("validate").description("check a stack without running anything").argument("[name]").action(handler("validate"));
  withOutput(
    stack
      .command("verify")
      .description("validate a stack and check that its artifact store is reachable with its credentials")
      .argument("[name]")
      .option("--timeout <seconds>", "give up after this many seconds", "30"),
  ).action(lazy(async () => (await import("./commands/verify.ts")).verifyStack));
}

function addProfileGroup(program: Command): void {
  const profile = program.command("profile").description("manage profiles: independent sets of stacks");
  const handler = (name: string) =>
    lazy(async () => ((await import("./commands/profile.ts")) as unknown as Record<string, Handler>)[name]!);
  profile
    .command("create")
    .description("create a profile with its own default stack")
    .argument("<name>")
    .addOption(new Option("-t, --store-type <type>", "where the profile keeps its stacks").choices(["local", "sql"]).default("local"))
    .option("--url <url>", "store location (default: under the config directory)")
    .action(handler("create"));
  withOutput(profile.command("list").description("list profiles")).action(handler("list"));
  profile
    .command("set")
    .description("activate a profile (in this repository, or globally with --global)")
    .argument("<name>")
    .option("-g, --global", "set the global active profile even inside a repository")
    .action(handler("set"));
  profile.command("get").description("print the active profile").action(handler("get"));
  withOutput(profile.command("describe").description("show a profile's settings").argument("[name]")).action(handler("describe"));
  yes(profile.command("delete").description("delete a profile and all its stacks").argument("<name>")).action(handler("remove"));
}

function addSecretGroup(program: Command): void {
  const secret = program.command("secret").description("manage secrets in the active stack's secrets manager");
  const handler = (name: string) =>
    lazy(async () => ((await import("./commands/secret.ts")) as unknown as Record<string, Handler>)[name]!);
  secret
    .command("register")
    .description("store a secret: zen secret register NAME --key=value ... (values may be @file)")
    .argument("<name>")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(handler("register"));
  withOutput(secret.command("list").description("list secret names")).action(handler("list"));
  withOutput(secret.command("get").description("show a secret's keys (values are never printed)").argument("<name>")).action(handler("get"));
  secret
    .command("update")
    .description("change keys of a secret: zen secret update NAME --key=value ...")
    .argument("<name>")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(handler("update"));
  yes(secret.command("delete").description("delete a secret").argument("<name>")).action(handler("remove"));
}


const VERSION = cliPackage().version;
