/** `zen flavor check [DIR]`: the findings of the package lint, each with its fix; exit code 1 on errors. */
import type { Invocation } from "../command-line/spec.ts";
import { options } from "./common.ts";
import { checkFlavorPackage, type Finding } from "../package-check/check-package.ts";
import { colors } from "../colors.ts";
import { printDocument, parseOutputFormat } from "../output.ts";
import { corePackageVersion } from "../scaffold/core-version.ts";
import { stdout } from "../stdio.ts";

export async function check(command: Invocation): Promise<void> {
  const [dir] = command.args;
  const opts = options(command) as { output?: string; quiet?: boolean };
  const format = parseOutputFormat(opts.output);
  const coreVersion = corePackageVersion();
  const result = await checkFlavorPackage(dir ?? ".", coreVersion);
  const errors = result.findings.filter((f) => f.severity === "error");
  const warnings = result.findings.filter((f) => f.severity === "warning");
  process.exitCode = errors.length > 0 ? 1 : 0;
  if (format !== "table") {
    await printDocument(format, { kind: "flavor-check", formatVersion: 1, coreVersion, ...result, ok: errors.length === 0 });
    return;
  }
  const out = (line: string) => stdout.write(`${line}\n`);
  const title = result.package ? `${result.package}${result.version ? `@${result.version}` : ""}` : result.dir;
  out(`${colors.bold("zen flavor check")} ${title} ${colors.dim(`(${result.dir}; @zen/core ${coreVersion})`)}`);
  if (result.flavors.length > 0) {
    out(`  flavors: ${result.flavors.map((f) => `${f.type}/${f.name}`).join(", ")}`);
  }
  const show = (finding: Finding) => {
    const mark = finding.severity === "error" ? colors.red("✖ error  ") : colors.yellow("⚠ warning");
    out(`  ${mark} ${finding.message}`);
    out(`            ${colors.dim("fix:")} ${finding.fix}`);
  };
  for (const finding of [...errors, ...warnings]) show(finding);
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  if (errors.length === 0) {
    out(`${colors.green("✔")} Ready to publish${warnings.length > 0 ? ` (${count(warnings.length, "warning")})` : ""}.`);
  } else {
    out(`${colors.red("✖")} ${count(errors.length, "error")}, ${count(warnings.length, "warning")}: fix the errors before publishing.`);
  }
}
