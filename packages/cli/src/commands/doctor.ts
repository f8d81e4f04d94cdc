/** `zen doctor`: rediscovers flavor packages (no cache) and reports every candidate, problem and cause. */
import type { Invocation } from "../command-line/spec.ts";
import { colors } from "../colors.ts";
import { printDocument } from "../output.ts";
import { openZen, outputFormat } from "./common.ts";
import { flavorSourceLabel } from "@zen/core/command-line";
import { stdout } from "../stdio.ts";

export async function doctor(command: Invocation) {
  const zen = await openZen(command, { banner: false });
  const report = await zen.discoveryReport();
  const flavors = await zen.listFlavors();
  const unhealthy = report.problems.length > 0;
  const format = outputFormat(command);
  if (format !== "table") {
    await printDocument(format, { kind: "doctor", formatVersion: 1, context: zen.context, ...report, flavors });
    process.exitCode = unhealthy ? 1 : 0;
    return;
  }
  const out = (line: string) => stdout.write(`${line}\n`);
  const { context } = zen;
  out(colors.bold("zen doctor"));
  out(`  node ${process.version}; config directory ${context.configDir}`);
  out(`  profile '${context.profile.name}' (${context.profile.source}), stack '${context.stack.name}' (${context.stack.source})`);
  out(`  discovery cache: ${report.cacheFile ?? "not writable"} (rebuilt now)`);
  out(colors.bold("Packages looked at"));
  if (report.candidates.length === 0) out("  none (no dependencies in the project or next to the CLI)");
  for (const c of report.candidates) {
    const mark = c.status === "ok" ? colors.green("✔") : c.status === "broken" ? colors.red("✖") : colors.dim("·");
    const what = c.status === "ignored" ? colors.dim("not a flavor package") : c.flavors.join(", ");
    out(`  ${mark} ${c.package} ${colors.dim(`(${c.origin})`)} ${what}${c.problem ? `: ${c.problem}` : ""}`);
  }
  out(colors.bold("Flavors"));
  for (const f of flavors) {
    const mark = f.ready ? colors.green("✔") : colors.red("✖");
    out(`  ${mark} ${f.type}/${f.name}  ${colors.dim(flavorSourceLabel(f.source))}${f.ready ? "" : `  ${f.problem ?? ""}`}`);
  }
  out(colors.bold("Problems"));
  if (!unhealthy) out(`  ${colors.green("none")}`);
  for (const p of report.problems) {
    out(`  ${colors.red("✖")} ${p.package} (${p.phase}): ${p.message}`);
    if (p.hint) out(`    ${colors.dim(p.hint)}`);
  }
  process.exitCode = unhealthy ? 1 : 0;
}
