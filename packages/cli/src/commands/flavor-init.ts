/** `zen flavor init [DIR] --type T --name N [--package P]`: writes a new flavor package and says what to do next. */
import type { Invocation } from "../command-line/spec.ts";
import { options } from "./common.ts";
import { relative } from "node:path";
import { initFlavorPackage } from "../scaffold/init.ts";
import { colors } from "../colors.ts";
import { info, success, warn } from "../output.ts";
import { corePackageVersion } from "../scaffold/core-version.ts";

export async function init(command: Invocation): Promise<void> {
  const [dir] = command.args;
  const opts = options(command) as { type?: string; name?: string; package?: string; core?: string; cli?: string; zenFrom?: string; quiet?: boolean };
  const result = initFlavorPackage({
    dir,
    type: opts.type,
    name: opts.name,
    package: opts.package,
    coreVersion: corePackageVersion(),
    coreSpec: opts.core,
    cliSpec: opts.cli,
    zenFrom: opts.zenFrom,
  });
  const { names } = result;
  for (const message of result.warnings) warn(message);
  const where = relative(process.cwd(), result.dir) || ".";
  success(`Created ${names.packageName}: the ${names.type.displayName} flavor '${names.flavor}' in ${where}`);
  if (opts.quiet) return;
  for (const file of result.files) info(`  ${colors.dim(file)}`);
  info("Next:");
  const cd = where === "." ? [] : [`cd ${where}`];
  for (const line of [
    ...cd,
    "npm install",
    "npm test          # type-checks, then runs the conformance kits of @zen/core",
    "npm run check     # builds, then zen flavor check (npm pack and npm publish run it first)",
  ]) {
    info(`  ${line}`);
  }
  info(`To use it in a project: npm install ${where === "." ? "<this directory>" : result.dir}, then zen ${names.type.cliGroup} flavor list.`);
}
