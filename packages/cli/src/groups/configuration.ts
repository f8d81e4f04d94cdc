/** `zen profile …`, `zen secret …` and the top-level configuration commands (`init`, `status`, `clean`, `doctor`). */
import { handlers, OUTPUT, YES } from "../command-line/define.ts";
import type { CommandSpec } from "../command-line/spec.ts";
import { DRY_RUN, FORCE } from "./shared.ts";

export function profileGroup(): CommandSpec {
  const handler = handlers(() => import("../commands/profile.ts"));
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
          {
            long: "store-type",
            short: "t",
            value: "<type>",
            description: "where the profile keeps its stacks (default: sql for a database --url, else $ZEN_DEFAULT_STORE_TYPE or local)",
            choices: ["local", "sql"],
          },
          { long: "url", value: "<url>", description: "store location (default: under the config directory)" },
        ],
        run: handler("create"),
      },
      { name: "list", description: "list profiles", options: [OUTPUT], run: handler("list") },
      {
        name: "set",
        description: "activate a profile (in this repository, or globally with --global)",
        arguments: [name],
        options: [global],
        run: handler("set"),
      },
      { name: "get", description: "print the active profile", run: handler("get") },
      { name: "describe", description: "show a profile's settings", arguments: [{ name: "name" }], options: [OUTPUT], run: handler("describe") },
      { name: "delete", description: "delete a profile and all its stacks", arguments: [name], options: [YES, DRY_RUN, OUTPUT], run: handler("remove") },
      {
        name: "migrate",
        description: "bring a profile's stack store to this zen's schema now (opening it does so anyway); default: the active profile",
        arguments: [{ name: "name" }],
        options: [OUTPUT],
        run: handler("migrate"),
      },
    ],
  };
}

export function secretGroup(): CommandSpec {
  const handler = handlers(() => import("../commands/secret.ts"));
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
      {
        name: "delete",
        description: "delete a secret (refused while components refer to it, unless --force)",
        arguments: [name],
        options: [YES, FORCE],
        run: handler("remove"),
      },
    ],
  };
}

export function repositoryCommands(): CommandSpec[] {
  const repository = handlers(() => import("../commands/repository.ts"));
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
      options: [YES, DRY_RUN, OUTPUT],
      run: repository("clean"),
    },
    {
      name: "doctor",
      description: "check the installation: discovered flavor packages, problems and their causes",
      options: [OUTPUT],
      run: handlers(() => import("../commands/doctor.ts"))("doctor"),
    },
    {
      name: "completion",
      description:
        "print the shell completion script: zen completion bash > ~/.local/share/bash-completion/completions/zen (zsh, fish: see the script's first lines)",
      arguments: [{ name: "shell", required: true, description: "bash, zsh or fish" }],
      run: handlers(() => import("../commands/completion.ts"))("completion"),
    },
  ];
}
