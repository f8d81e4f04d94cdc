/** `--help` text, generated from the command tree. */
import { commandName, optionsOf, subcommandsOf, usageArguments, usageLine } from "./parse.ts";
import type { CommandSpec, OptionSpec, Program } from "./spec.ts";
import { terminalColumns } from "../stdio.ts";

function optionTerm(option: OptionSpec): string {
  const flags = option.short ? `-${option.short}, --${option.long}` : `--${option.long}`;
  return option.value ? `${flags} ${option.value}` : flags;
}

function optionDescription(option: OptionSpec): string {
  const notes = [
    option.required ? "required" : undefined,
    option.choices ? `choices: ${option.choices.join(", ")}` : undefined,
    option.default !== undefined ? `default: ${option.default}` : undefined,
  ].filter(Boolean);
  return notes.length > 0 ? `${option.description} (${notes.join("; ")})` : option.description;
}

function commandTerm(command: CommandSpec): string {
  const parts = [command.name];
  if (command.subcommands) return command.name;
  if (command.options?.some((option) => !option.hidden)) parts.push("[options]");
  const args = usageArguments(command);
  if (args) parts.push(args);
  return parts.join(" ");
}

/** Words of `text` in lines as wide as the terminal; lines after the first start with `indent` spaces. */
function wrap(text: string, first: string, indent: number): string[] {
  const width = Math.max(terminalColumns() ?? 80, 60);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + word.length + 1 > width) {
      lines.push(line);
      line = " ".repeat(indent);
      empty = true;
    }
    line += `${empty ? "" : " "}${word}`;
    empty = false;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** Two columns, the second wrapped to the terminal width with a hanging indent. */
function section(title: string, rows: [string, string][]): string[] {
  if (rows.length === 0) return [];
  const termWidth = Math.max(...rows.map(([term]) => term.length));
  return ["", `${title}:`, ...rows.flatMap(([term, description]) => wrap(description, `  ${term.padEnd(termWidth)}  `, termWidth + 4))];
}

export function renderHelp(program: Program, path: readonly CommandSpec[]): string {
  const command = path.at(-1)!;
  const name = commandName(path);
  const isGroup = Boolean(command.subcommands);
  const globals = new Set(program.globalOptions);
  const own = optionsOf(program, path).filter((option) => !option.hidden && (path.length === 1 || !globals.has(option)));

  const lines = [`Usage: ${usageLine(path)}`, "", ...wrap(command.description, "", 0)];
  lines.push(
    ...section(
      "Arguments",
      (command.arguments ?? []).filter((a) => a.description).map((a) => [a.name, a.description!]),
    ),
  );
  lines.push(
    ...section(
      "Options",
      own.map((option) => [optionTerm(option), optionDescription(option)]),
    ),
  );
  if (path.length > 1)
    lines.push(
      ...section(
        "Global options",
        program.globalOptions.map((o) => [optionTerm(o), optionDescription(o)]),
      ),
    );
  if (isGroup) {
    lines.push(
      ...section(
        "Commands",
        subcommandsOf(command)
          .filter((sub) => !sub.hidden)
          .map((sub) => [commandTerm(sub), sub.description]),
      ),
    );
    lines.push("", `Run '${name} <command> --help' for a command's arguments and options.`);
  }
  return `${lines.join("\n")}\n`;
}
