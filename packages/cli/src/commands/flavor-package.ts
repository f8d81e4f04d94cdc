/**
 * `zen flavor …`: authoring flavor packages for npm. `init` scaffolds a ready-to-publish package,
 * `check` lints one before it is published. Defining the commands imports nothing: each command
 * loads its handler on demand.
 */
import { lazy, OUTPUT } from "../command-line/define.ts";
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
          { long: "core", value: "<spec>", hidden: true, description: "where the package's devDependencies get @zen/core (default: ^<this version>)" },
          { long: "cli", value: "<spec>", hidden: true, description: "where the package's devDependencies get @zen/cli (default: ^<this version>)" },
        ],
        run: lazy(() => import("./flavor-init.ts"), (m) => m.init),
      },
      {
        name: "check",
        description: "lint a flavor package before publishing: the zen key, exports, apiVersion, peer range, flavors",
        arguments: [{ name: "dir", description: "directory of the package (default: the current directory)" }],
        options: [OUTPUT],
        run: lazy(() => import("./flavor-check.ts"), (m) => m.check),
      },
    ],
  };
}
