/**
 * Which packages a module pulls in when it is imported, seen from a fresh Node process with a
 * resolve hook: how tests check that heavy SDKs load only with a flavor's implementation.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { makeTempDir } from "./temp-dir.ts";

export interface ResolvedImportsOptions {
  /** The package directory the process runs in (its `zen-source` exports resolve to TypeScript sources). */
  cwd: string;
  /** ES module code run with `--input-type=module` (tsx loaded, so it may import `.ts` files). */
  code: string;
  /** Only specifiers containing this text are recorded, e.g. "@aws-sdk". */
  matching: string;
}

/** The matching specifiers resolved while `code` ran, in order; throws with the process's output if it failed. */
export function resolvedImports({ cwd, code, matching }: ResolvedImportsOptions): string[] {
  const dir = makeTempDir("zen-resolved-");
  const log = join(dir, "resolved.log");
  writeFileSync(log, "");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (specifier.includes(${JSON.stringify(matching)})) appendFileSync(${JSON.stringify(log)}, specifier + "\\n");
  return next(specifier, context);
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
  );
  const result = spawnSync(
    process.execPath,
    ["--conditions=zen-source", "--import", join(dir, "register.mjs"), "--import", "tsx", "--input-type=module", "-e", code],
    { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  if (result.status !== 0) throw new Error(`The import check exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}
