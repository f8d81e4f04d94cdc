/** `zen flavor …`: authoring flavor packages for npm — scaffold one (`init`), lint one before publishing (`check`). */
import { handlers, OUTPUT } from "../command-line/define.ts";
import type { CommandSpec } from "../command-line/spec.ts";

export function flavorPackageCommands(): CommandSpec {
  return {
    name: "flavor",
    description: "author flavor packages: scaffold one, check one before publishing",
    subcommands: () => [
      {
        name: "init",
        description: "create a ready-to-publish flavor package (flavors module, implementation, conformance test)",
        arguments: [{ name: "dir", description: "directory of the new package (default: the package name without its scope)" }],
        options: [
          { long: "type", short: "t", value: "<type>", required: true, description: "component type of the flavor, e.g. artifact-store or orchestrator" },
          { long: "name", short: "n", value: "<flavor>", required: true, description: "name of the flavor, e.g. memo" },
          { long: "package", short: "p", value: "<name>", description: "npm package name (default: zen-integration-<flavor>)" },
          {
            long: "zen-from",
            value: "<path>",
            description: "install @zen/core and @zen/cli from a directory of zen tarballs or a built zen checkout (default: the registry, this zen's version)",
          },
          { long: "core", value: "<spec>", hidden: true, description: "where the package's devDependencies get @zen/core (default: this version)" },
          { long: "cli", value: "<spec>", hidden: true, description: "where the package's devDependencies get @zen/cli (default: this version)" },
        ],
        run: handlers(() => import("../commands/flavor-init.ts"))("init"),
      },
      {
        name: "check",
        description: "lint a flavor package before publishing: the zen key, exports, apiVersion, peer range, flavors",
        arguments: [{ name: "dir", description: "directory of the package (default: the current directory)" }],
        options: [OUTPUT],
        run: handlers(() => import("../commands/flavor-check.ts"))("check"),
      },
    ],
  };
}
