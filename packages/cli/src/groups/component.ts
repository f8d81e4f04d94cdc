/** `zen <component-type> …`: one group per component type, generated from the type table. */
import { withArticle, type ComponentType, type ComponentTypeInfo } from "@zen/core/command-line";
import { handlers, lazy, OUTPUT, YES } from "../command-line/define.ts";
import type { CommandSpec, OptionSpec } from "../command-line/spec.ts";
import { DRY_RUN, TIMEOUT } from "./shared.ts";

type ComponentModule = typeof import("../commands/component.ts");

type ModelDeployerModule = typeof import("../commands/model-deployer.ts");

const modelServices = handlers((): Promise<ModelDeployerModule> => import("../commands/model-deployer.ts"));
const DEPLOYER: OptionSpec = { long: "deployer", value: "<name>", description: "the model deployer (default: the active stack's)" };

/** `zen model-deployer models <command> SERVICE`. */
function serviceCommand(name: string, description: string, run: keyof ModelDeployerModule, more: OptionSpec[] = []): CommandSpec {
  return { name, description, arguments: [{ name: "service", required: true }], options: [DEPLOYER, ...more], run: modelServices(run) };
}

/** Commands only some component types have, by type. */
const TYPE_SUBCOMMANDS: Partial<Record<ComponentType, () => CommandSpec[]>> = {
  artifact_store: () => [
    {
      name: "verify",
      description: "write, read back and delete a probe object with the configured credentials (default: the active stack's)",
      arguments: [{ name: "name" }],
      options: [TIMEOUT, OUTPUT],
      run: handlers(() => import("../commands/verify.ts"))("verify"),
    },
  ],
  model_deployer: () => [
    {
      name: "models",
      description: "the prediction services of the active stack's model deployer (they outlive the zen process that started them)",
      subcommands: () => [
        {
          name: "list",
          description: "list the services with their model version, status and prediction URL",
          options: [DEPLOYER, OUTPUT],
          run: modelServices("list"),
        },
        serviceCommand("describe", "show a service: model, status, health, pid, port, log file", "describe", [OUTPUT]),
        serviceCommand("start", "start a stopped service and wait until it answers", "start", [OUTPUT]),
        serviceCommand("stop", "stop a service and every process it started", "stop", [OUTPUT]),
        serviceCommand("delete", "stop a service and remove its config and log (the model version stays registered)", "remove", [YES]),
        serviceCommand("logs", "print a service's log", "logs", [{ long: "tail", value: "<lines>", description: "only the last lines" }]),
      ],
    },
  ],
};

export function componentGroup(type: ComponentTypeInfo): CommandSpec {
  const handler = (name: keyof ReturnType<ComponentModule["handlers"]>) =>
    lazy(
      () => import("../commands/component.ts"),
      (m) => m.handlers(type.key)[name],
    );
  const a = withArticle(type.displayName);
  const typeCommands: CommandSpec[] = TYPE_SUBCOMMANDS[type.key]?.() ?? [];
  return {
    name: type.cliGroup,
    description: `manage ${type.pluralDisplayName} (${type.description.toLowerCase()})`,
    subcommands: () => [
      { name: "list", description: `list the ${type.pluralDisplayName} of the active profile`, options: [OUTPUT], run: handler("list") },
      {
        name: "register",
        description:
          `register ${a}: zen ${type.cliGroup} register NAME --flavor FLAVOR [--key=value ...]; ` +
          `the keys are listed by \`zen ${type.cliGroup} flavor describe FLAVOR\``,
        arguments: [{ name: "name", required: true, description: `name of the new ${type.displayName}` }],
        options: [
          { long: "flavor", short: "f", value: "<flavor>", required: true, description: `flavor; see zen ${type.cliGroup} flavor list` },
          DRY_RUN,
          OUTPUT,
        ],
        acceptsConfig: true,
        run: handler("register"),
      },
      {
        name: "describe",
        description: `show the configuration of ${a} (default: the active stack's)`,
        arguments: [{ name: "name" }],
        options: [OUTPUT],
        run: handler("describe"),
      },
      { name: "get", description: `print the active stack's ${type.displayName}`, run: handler("get") },
      {
        name: "update",
        description: `change configuration: zen ${type.cliGroup} update [NAME] --key=value ...`,
        arguments: [{ name: "name" }],
        options: [DRY_RUN, OUTPUT],
        acceptsConfig: true,
        run: handler("update"),
      },
      {
        name: "remove-attribute",
        description: `unset optional configuration keys: zen ${type.cliGroup} remove-attribute NAME --key [--key ...]`,
        arguments: [{ name: "name", required: true }],
        options: [DRY_RUN, OUTPUT],
        acceptsConfig: true,
        run: handler("removeAttribute"),
      },
      {
        name: "rename",
        description: `rename ${a} (stacks that use it follow)`,
        arguments: [
          { name: "name", required: true },
          { name: "new-name", required: true },
        ],
        run: handler("rename"),
      },
      {
        name: "delete",
        description: `delete ${a} that no stack uses`,
        arguments: [{ name: "name", required: true }],
        options: [YES, DRY_RUN, OUTPUT],
        run: handler("remove"),
      },
      ...typeCommands,
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
            options: [{ long: "replace", description: "replace the custom flavor of the same name registered from another module" }],
            run: handler("flavorRegister"),
          },
        ],
      },
    ],
  };
}
