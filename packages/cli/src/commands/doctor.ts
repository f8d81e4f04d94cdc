/** `zen doctor`: the full discovery report, bypassing the cache. */
import type { Command } from "commander";
import { colors, printDocument } from "../output.ts";
import { openZen, outputFormat } from "./common.ts";
import { sourceLabel } from "./component.ts";

export async function doctor(command: Command) {
  const zen = await openZen(command, { banner: false });
  const [flavors, problems] = await Promise.all([zen.listFlavors(), zen.discoveryProblems()]);
  const format = outputFormat(command);
  if (format !== "table") {
    await printDocument(format, { kind: "doctor", formatVersion: 1, context: zen.context, flavors, problems });
    process.exitCode = problems.length > 0 ? 1 : 0;
    return;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(colors.bold("zen doctor"));
  out(`  node ${process.version}, config directory ${zen.context.configDir}`);
  out(`  profile '${zen.context.profile.name}' (${zen.context.profile.source}), stack '${zen.context.stack.name}' (${zen.context.stack.source})`);
  out(colors.bold("Flavors"));
  for (const f of flavors) {
    const mark = f.ready ? colors.green("✔") : colors.red("✖");
    out(`  ${mark} ${f.type}/${f.name}  ${colors.dim(sourceLabel(f.source))}${f.ready ? "" : `  ${f.problem ?? ""}`}`);
  }
  out(colors.bold("Problems"));
  if (problems.length === 0) out(`  ${colors.green("none")}`);
  for (const p of problems) {
    out(`  ${colors.red("✖")} ${p.package} (${p.phase}): ${p.message}`);
    if (p.hint) out(`    ${colors.dim(p.hint)}`);
  }
  process.exitCode = problems.length > 0 ? 1 : 0;
}
