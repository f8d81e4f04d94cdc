/**
 * The command tree. Defining it imports only the component-type table; a group's commands are built
 * when the group is reached, and every command imports its handler module when it runs, so
 * `zen --help` never loads stores, flavors or integrations.
 */
import { COMPONENT_TYPES, type ComponentTypeInfo } from "@zen/core/component-types";
import { cliPackage } from "./cli-package.ts";
import { flavorPackageCommands } from "./commands/flavor-package.ts";
import { pipelineCommands } from "./commands/pipeline.ts";
import { handlers, lazy, OUTPUT, YES } from "./command-line/define.ts";
import type { CommandSpec, OptionSpec, Program } from "./command-line/spec.ts";

const TIMEOUT: OptionSpec = { long: "timeout", value: "<seconds>", description: "give up after this many seconds", default: "30" };

/** "an artifact store", "a stack". */
function a(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

export function buildProgram(): Program {
  return {
    version: cliPackage().version,
    globalOptions: [
      { long: "profile", value: "<name>", description: "use this profile for this command (overrides ZEN_PROFILE and .zen/config.yaml)" },
      { long: "stack", value: "<name>", description: "use this stack for this command (overrides ZEN_STACK and .zen/config.yaml)" },
      { long: "quiet", short: "q", description: "print only results and errors" },
    ],
    root: {
      name: "zen",
      description: "Describe and switch the infrastructure your ML pipelines run on.",
      subcommands: () => [
        ...COMPONENT_TYPES.map(componentGroup),
        stackGroup(),
        profileGroup(),
        secretGroup(),
        ...repositoryCommands(),
        pipelineCommands(),
        flavorPackageCommands(),
      ],
    },
  };
}

type ComponentModule = typeof import("./commands/component.ts");

function componentGroup(type: ComponentTypeInfo): CommandSpec {
  const handler = (name: keyof ReturnType<ComponentModule["handlers"]>) =>
    lazy(() => import("./commands/component.ts"), (m) => m.handlers(type.key)[name]);
  const verify: CommandSpec[] =
    type.key === "artifact_store"
      ? [
          {
            name: "verify",
            description: "write, read back and delete a probe object with the configured credentials (default: the active stack's)",
            arguments: [{ name: "name" }],
            options: [TIMEOUT, OUTPUT],
            run: handlers(() => import("./commands/verify.ts"))("verify"),
          },
        ]
      : [];
  return {
    name: type.cliGroup,
    description: `manage ${type.pluralDisplayName} (${type.description.toLowerCase()})`,
    subcommands: () => [
      { name: "list", description: `list the ${type.pluralDisplayName} of the active profile`, options: [OUTPUT], run: handler("list") },
      {
        name: "register",
        description: `register ${a(type.displayName)}: zen ${type.cliGroup} register NAME --flavor FLAVOR [--key=value ...]; the keys are listed by \`zen ${type.cliGroup} flavor describe FLAVOR\``,
        arguments: [{ name: "name", required: true, description: `name of the new ${type.displayName}` }],
        options: [{ long: "flavor", short: "f", value: "<flavor>", required: true, description: `flavor; see zen ${type.cliGroup} flavor list` }],
        acceptsConfig: true,
        run: handler("register"),
      },
      {
        name: "describe",
        description: `show the configuration of ${a(type.displayName)} (default: the active stack's)`,
        arguments: [{ name: "name" }],
        options: [OUTPUT],
        run: handler("describe"),
      },
      { name: "get", description: `print the active stack's ${type.displayName}`, run: handler("get") },
      {
        name: "update",
        description: `change configuration: zen ${type.cliGroup} update [NAME] --key=value ...`,
        arguments: [{ name: "name" }],
        acceptsConfig: true,
        run: handler("update"),
      },
      {
        name: "rename",
        description: `rename ${a(type.displayName)} (stacks that use it follow)`,
        arguments: [{ name: "name", required: true }, { name: "new-name", required: true }],
        run: handler("rename"),
      },
      {
        name: "delete",
        description: `delete ${a(type.displayName)} that no stack uses`,
        arguments: [{ name: "name", required: true }],
        options: [YES],
        run: handler("remove"),
      },
      ...verify,
      {
        name: "flavor",
        description: `flavors (implementations) of ${type.pluralDisplayName}`,
        subcommands: () => [
          {
            name: "list",
            description: "list available flavors, the package providing each, and whether it is ready",
            options: [OUTPUT],
            run: handler("flavorList"),
          },
          {
            name: "describe",
            description: "show where a flavor comes from and its configuration keys",
            arguments: [{ name: "name", required: true }],
            options: [OUTPUT],
            run: handler("flavorDescribe"),
          },
          {
            name: "register",
            description: "register a custom flavor from a module: zen FLAVOR register ./src/my-flavor.ts#myFlavor",
            arguments: [{ name: "specifier", required: true, description: "module#export, resolved from the repository (or project) root" }],
            run: handler("flavorRegister"),
          },
        ],
      },
    ],
  };
}

/** `-o, --orchestrator <name>` … for every component type, generated from the type table. */
function componentOptions(mode: "register" | "update" | "remove"): OptionSpec[] {
  return COMPONENT_TYPES.filter((type) => mode !== "remove" || !type.required).map((type) => ({
    long: type.longOption,
    short: type.shortOption,
    ...(mode === "remove" ? {} : { value: "<name>" }),
    description:
      mode === "remove"
        ? `remove the ${type.displayName}`
        : `${type.displayName}${type.required && mode === "register" ? " (required)" : ""}`,
  }));
}

function stackGroup(): CommandSpec {
  const handler = handlers(() => import("./commands/stack.ts"));
  const name = { name: "name", required: true };
  const optionalName = { name: "name" };
  return {
    name: "stack",
    description: "manage stacks: sets of components your pipelines run on",
    subcommands: () => [
      {
        name: "register",
        description: "register a stack from registered components",
        arguments: [name],
        options: [...componentOptions("register"), { long: "set", description: "make it the active stack" }],
        run: handler("register"),
      },
      { name: "list", description: "list the stacks of the active profile", options: [OUTPUT], run: handler("list") },
      {
        name: "describe",
        description: "show a stack's components (default: the active stack)",
        arguments: [optionalName],
        options: [OUTPUT],
        run: handler("describe"),
      },
      {
        name: "set",
        description: "activate a stack (in this repository, or globally with --global)",
        arguments: [name],
        options: [{ long: "global", short: "g", description: "set the profile's global active stack even inside a repository" }],
        run: handler("set"),
      },
      { name: "get", description: "print the active stack", run: handler("get") },
      {
        name: "update",
        description: "replace components of a stack",
        arguments: [optionalName],
        options: componentOptions("update"),
        run: handler("update"),
      },
      {
        name: "remove-component",
        description: "remove optional components from a stack",
        arguments: [optionalName],
        options: componentOptions("remove"),
        run: handler("removeComponent"),
      },
      { name: "rename", description: "rename a stack", arguments: [name, { name: "new-name", required: true }], run: handler("rename") },
      { name: "delete", description: "delete a stack (its components stay)", arguments: [name], options: [YES], run: handler("remove") },
      {
        name: "copy",
        description: "copy a stack within the profile or to another profile",
        arguments: [name, { name: "new-name", required: true }],
        options: [{ long: "to-profile", value: "<profile>", description: "copy into this profile" }],
        run: handler("copy"),
      },
      {
        name: "export",
        description: "write a stack and its components to a YAML file (secrets stay references)",
        arguments: [name, { name: "file", description: "default: <name>.yaml" }],
        run: handler("exportStack"),
      },
      {
        name: "import",
        description: "register a stack from a file written by `zen stack export`",
        arguments: [{ name: "file", required: true }],
        options: [{ long: "name", value: "<name>", description: "register under this name" }],
        run: handler("importStack"),
      },
      { name: "validate", description: "check a stack without running anything", arguments: [optionalName], run: handler("validate") },
      {
        name: "verify",
        description: "validate a stack and check that its artifact store is reachable with its credentials",
        arguments: [optionalName],
        options: [TIMEOUT, OUTPUT],
        run: handlers(() => import("./commands/verify.ts"))("verifyStack"),
      },
    ],
  };
}

function profileGroup(): CommandSpec {
  const handler = handlers(() => import("./commands/profile.ts"));
  const name = { name: "name", required: true };
  const global = { long: "global", short: "g", description: "set the global active profile even inside a repository" };
  return {
    name: "profile",
    description: "manage profiles: independent sets of stacks",
    subcommands: () => [
      {
        name: "create",
        description: "create a profile with its own default stack",
        arguments: [name],
        options: [
          { long: "store-type", short: "t", value: "<type>", description: "where the profile keeps its stacks", choices: ["local", "sql"], default: "local" },
          { long: "url", value: "<url>", description: "store location (default: under the config directory)" },
        ],
        run: handler("create"),
      },
      { name: "list", description: "list profiles", options: [OUTPUT], run: handler("list") },
      { name: "set", description: "activate a profile (in this repository, or globally with --global)", arguments: [name], options: [global], run: handler("set") },
      { name: "get", description: "print the active profile", run: handler("get") },
      { name: "describe", description: "show a profile's settings", arguments: [{ name: "name" }], options: [OUTPUT], run: handler("describe") },
      { name: "delete", description: "delete a profile and all its stacks", arguments: [name], options: [YES], run: handler("remove") },
    ],
  };
}

function secretGroup(): CommandSpec {
  const handler = handlers(() => import("./commands/secret.ts"));
  const name = { name: "name", required: true };
  return {
    name: "secret",
    description: "manage secrets in the active stack's secrets manager",
    subcommands: () => [
      {
        name: "register",
        description: "store a secret: zen secret register NAME --key=value ... (values may be @file)",
        arguments: [name],
        acceptsConfig: true,
        run: handler("register"),
      },
      { name: "list", description: "list secret names", options: [OUTPUT], run: handler("list") },
      { name: "get", description: "show a secret's keys (values are never printed)", arguments: [name], options: [OUTPUT], run: handler("get") },
      {
        name: "update",
        description: "change keys of a secret: zen secret update NAME --key=value ...",
        arguments: [name],
        acceptsConfig: true,
        run: handler("update"),
      },
      { name: "delete", description: "delete a secret", arguments: [name], options: [YES], run: handler("remove") },
    ],
  };
}

function repositoryCommands(): CommandSpec[] {
  const repository = handlers(() => import("./commands/repository.ts"));
  return [
    {
      name: "init",
      description: "make this directory a zen repository that pins the active profile and stack",
      options: [{ long: "path", value: "<dir>", description: "directory to initialise (default: current directory)" }],
      run: repository("init"),
    },
    {
      name: "status",
      description: "show the effective profile and stack, and where each setting comes from",
      options: [OUTPUT],
      run: repository("status"),
    },
    {
      name: "clean",
      description: "delete the global configuration (profiles, stacks, local stores) and this repository's .zen",
      options: [YES],
      run: repository("clean"),
    },
    {
      name: "doctor",
      description: "check the installation: discovered flavor packages, problems and their causes",
      options: [OUTPUT],
      run: handlers(() => import("./commands/doctor.ts"))("doctor"),
    },
  ];
}
