/**
 * What a changing command reports: its one-line success message, or — with `--dry-run` — the records
 * it would add, change or remove, key by key, having written nothing. `--output json|yaml` prints the
 * same changes as a document, dry run or not.
 */
import type { PlannedChange, ZenApi } from "@zen/core";
import { componentType } from "@zen/core/command-line";
import type { Invocation } from "../command-line/spec.ts";
import { colors } from "../colors.ts";
import { cell, OUTPUT_FORMAT_VERSION, printDocument, success } from "../output.ts";
import { options, outputFormat } from "./common.ts";
import { stdout } from "../stdio.ts";

export function isDryRun(command: Invocation): boolean {
  return Boolean(options(command).dryRun);
}

const MARK = { add: "+", change: "~", remove: "-" } as const;
const VERB = { add: "add", change: "change", remove: "remove" } as const;

function title(change: PlannedChange): string {
  const what = change.type === undefined ? change.kind : `${componentType(change.type).displayName}${change.kind === "flavor" ? " flavor" : ""}`;
  const where = change.profile ? ` (profile '${change.profile}')` : "";
  return `${VERB[change.action]} ${what} '${change.name}'${where}`;
}

function keyLine(key: string, value: { before?: unknown; after?: unknown }): string {
  if (!("before" in value)) return `${colors.green("+")} ${key}: ${cell(value.after)}`;
  if (!("after" in value)) return `${colors.red("-")} ${key}: ${cell(value.before)}`;
  return `${colors.yellow("~")} ${key}: ${cell(value.before)} → ${cell(value.after)}`;
}

/** Renders changes for people: one line per record, one indented line per key. */
export function renderChanges(changes: readonly PlannedChange[]): string {
  const lines: string[] = [];
  for (const change of changes) {
    lines.push(`${MARK[change.action]} ${title(change)}`);
    for (const [key, value] of Object.entries(change.keys ?? {})) lines.push(`    ${keyLine(key, value)}`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** Reports what the command changed (or, in a dry run, would change); `message` is the success line of a real run. */
export async function reportChanges(command: Invocation, zen: Pick<ZenApi, "dryRun" | "plannedChanges">, message: string): Promise<void> {
  const format = outputFormat(command);
  const changes = zen.plannedChanges();
  if (format !== "table") {
    await printDocument(format, { kind: "changes", formatVersion: OUTPUT_FORMAT_VERSION, dryRun: zen.dryRun, items: changes });
    return;
  }
  if (!zen.dryRun) {
    success(message);
    return;
  }
  stdout.write(renderChanges(changes));
  stdout.write(`${colors.dim(changes.length > 0 ? "Dry run: nothing was changed." : "Dry run: nothing would change.")}\n`);
}
