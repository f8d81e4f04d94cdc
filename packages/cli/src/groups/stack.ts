/** `zen stack …`. */
import { COMPONENT_TYPES } from "@zen/core/command-line";
import { handlers, OUTPUT, YES } from "../command-line/define.ts";
import type { CommandSpec, OptionSpec } from "../command-line/spec.ts";
import { DRY_RUN, TIMEOUT } from "./shared.ts";

/** `-o, --orchestrator <name>` … for every component type, generated from the type table. */
function componentOptions(mode: "register" | "update" | "remove"): OptionSpec[] {
  return COMPONENT_TYPES.filter((type) => mode !== "remove" || !type.required).map((type) => ({
    long: type.longOption,
    short: type.shortOption,
    ...(mode === "remove" ? {} : { value: "<name>" }),
    description: mode === "remove" ? `remove the ${type.displayName}` : `${type.displayName}${type.required && mode === "register" ? " (required)" : ""}`,
  }));
}

export function stackGroup(): CommandSpec {
  const handler = handlers(() => import("../commands/stack.ts"));
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
        options: [...componentOptions("register"), { long: "set", description: "make it the active stack" }, DRY_RUN, OUTPUT],
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
        options: [...componentOptions("update"), DRY_RUN, OUTPUT],
        run: handler("update"),
      },
      {
        name: "remove-component",
        description: "remove optional components from a stack",
        arguments: [optionalName],
        options: [...componentOptions("remove"), DRY_RUN, OUTPUT],
        run: handler("removeComponent"),
      },
      { name: "rename", description: "rename a stack", arguments: [name, { name: "new-name", required: true }], run: handler("rename") },
      { name: "delete", description: "delete a stack (its components stay)", arguments: [name], options: [YES, DRY_RUN, OUTPUT], run: handler("remove") },
      {
        name: "copy",
        description: "copy a stack within the profile or to another profile",
        arguments: [name, { name: "new-name", required: true }],
        options: [{ long: "to-profile", value: "<profile>", description: "copy into this profile" }, DRY_RUN, OUTPUT],
        run: handler("copy"),
      },
      {
        name: "export",
        description: "write a stack and its components to a YAML file, or to stdout with `-` (secrets stay references)",
        arguments: [name, { name: "file", description: "default: <name>.yaml; - for stdout" }],
        run: handler("exportStack"),
      },
      {
        name: "import",
        description: "register a stack from a file written by `zen stack export`",
        arguments: [{ name: "file", required: true }],
        options: [{ long: "name", value: "<name>", description: "register under this name" }, DRY_RUN, OUTPUT],
        run: handler("importStack"),
      },
      { name: "validate", description: "check a stack without running anything", arguments: [optionalName], run: handler("validate") },
      {
        name: "verify",
        description: "validate a stack and check that its artifact store is reachable with its credentials",
        arguments: [optionalName],
        options: [TIMEOUT, OUTPUT],
        run: handlers(() => import("../commands/verify.ts"))("verifyStack"),
      },
    ],
  };
}
