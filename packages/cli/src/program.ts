/**
 * The command tree. Defining it imports only the component-type table; a group's commands are built
 * when the group is reached, and every command imports its handler module when it runs, so
 * `zen --help` never loads stores, flavors or integrations. Every group is defined the same way: a
 * builder in `groups/` whose commands name their handlers in `commands/`.
 */
import { COMPONENT_TYPES } from "@zen/core/command-line";
import { cliPackage } from "./cli-package.ts";
import type { Program } from "./command-line/spec.ts";
import { componentGroup } from "./groups/component.ts";
import { profileGroup, repositoryCommands, secretGroup } from "./groups/configuration.ts";
import { flavorPackageCommands } from "./groups/flavor-package.ts";
import { dashboardCommand, pipelineCommands, stepCommands } from "./groups/pipeline.ts";
import { stackGroup } from "./groups/stack.ts";

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
        dashboardCommand(),
        flavorPackageCommands(),
        stepCommands(),
      ],
    },
  };
}
