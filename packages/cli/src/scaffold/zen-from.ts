/**
 * `zen flavor init --zen-from PATH`: where the new package's devDependencies get @zen/core and
 * @zen/cli before (or instead of) the registry. PATH is a directory of packed tarballs
 * (`zen-core-<version>.tgz`, `zen-cli-<version>.tgz`, as `npm pack`/`pnpm pack` name them) or a zen
 * checkout (`packages/core`, `packages/cli`, built). Specs are `file:` paths relative to the package.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError } from "@zen/core/command-line";

export interface ZenSpecs {
  coreSpec: string;
  cliSpec: string;
}

function fileSpec(packageDir: string, target: string): string {
  const path = relative(packageDir, target).split("\\").join("/");
  return `file:${path.startsWith(".") ? path : `./${path}`}`;
}

/** The newest tarball of `name` (`zen-core`) in `dir` that matches `version`, else any. */
function tarball(dir: string, name: string, version: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".tgz"));
  return files.find((f) => f === `${name}-${version}.tgz`) ?? files.sort().at(-1);
}

export function zenFromSpecs(zenFrom: string, packageDir: string, version: string, cwd: string): ZenSpecs {
  const source = resolve(cwd, zenFrom);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new UsageError(`--zen-from ${zenFrom} is not a directory.`, {
      hint: "Give a directory holding zen-core-<version>.tgz and zen-cli-<version>.tgz (from `npm pack`), or a zen checkout.",
    });
  }
  const core = join(source, "packages", "core");
  const cli = join(source, "packages", "cli");
  if (existsSync(join(core, "package.json")) && existsSync(join(cli, "package.json"))) {
    if (!existsSync(join(core, "dist")) || !existsSync(join(cli, "dist"))) {
      throw new UsageError(`The zen checkout ${zenFrom} is not built.`, {
        hint: `Build it first (\`npx pnpm@10.34.9 build\` in ${source}), or pack it and pass the tarballs' directory.`,
      });
    }
    return { coreSpec: fileSpec(packageDir, core), cliSpec: fileSpec(packageDir, cli) };
  }
  const coreTarball = tarball(source, "zen-core", version);
  const cliTarball = tarball(source, "zen-cli", version);
  if (!coreTarball || !cliTarball) {
    throw new UsageError(`${zenFrom} holds neither zen's tarballs nor a zen checkout.`, {
      hint:
        "Pack them into it (`npm pack` in packages/core and packages/cli of a zen checkout: " +
        "zen-core-<version>.tgz, zen-cli-<version>.tgz), or give the checkout itself.",
    });
  }
  return { coreSpec: fileSpec(packageDir, join(source, coreTarball)), cliSpec: fileSpec(packageDir, join(source, cliTarball)) };
}
