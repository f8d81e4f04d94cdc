/**
 * From `process.argv` to a command and its invocation. The words naming a command are matched against
 * the tree; `util.parseArgs` splits the rest into options and positionals; then every rule the spec
 * states is checked (unknown options and commands with a suggestion, missing or extra arguments,
 * choices, required options), each failure a UsageError: exit code 2, one sentence and a hint.
 */
import { parseArgs } from "node:util";
import { UsageError } from "@zen/core/command-line";
import { optionKey, type CommandSpec, type Invocation, type OptionSpec, type Program } from "./spec.ts";
import { closest } from "./suggest.ts";

export type Outcome = { kind: "run"; command: CommandSpec; invocation: Invocation } | { kind: "help"; path: readonly CommandSpec[] } | { kind: "version" };

export const HELP_OPTION: OptionSpec = { long: "help", short: "h", description: "show help for this command" };
export const VERSION_OPTION: OptionSpec = { long: "version", short: "V", description: "print the version of zen" };

const children = new WeakMap<CommandSpec, readonly CommandSpec[]>();
/** A group's commands, built on first use. */
export function subcommandsOf(command: CommandSpec): readonly CommandSpec[] {
  let list = children.get(command);
  if (!list) children.set(command, (list = command.subcommands?.() ?? []));
  return list;
}

export function commandName(path: readonly CommandSpec[]): string {
  return path.map((command) => command.name).join(" ");
}

/** The options a command accepts, in the order help lists them. */
export function optionsOf(program: Program, path: readonly CommandSpec[]): OptionSpec[] {
  const command = path.at(-1)!;
  const own = path.length === 1 ? [VERSION_OPTION] : [...(command.options ?? [])];
  return [...own, ...program.globalOptions, HELP_OPTION];
}

function find(options: readonly OptionSpec[], word: string): OptionSpec | undefined {
  const name = word.replace(/=.*$/, "");
  return name.startsWith("--")
    ? options.find((option) => option.long === name.slice(2))
    : options.find((option) => option.short !== undefined && option.short === name.slice(-1));
}

/** "Did you mean --output? " for `--outptu`; "Did you mean -q (--quiet)? " for `--q`. */
function suggestOption(declared: readonly OptionSpec[], rawName: string): string {
  const name = rawName.replace(/^-+/, "");
  const short = rawName.startsWith("--") ? declared.find((o) => o.short === name) : undefined;
  if (short) return `Did you mean -${name} (--${short.long})? `;
  const guess = closest(
    name,
    declared.map((o) => o.long),
  );
  return guess ? `Did you mean --${guess}? ` : "";
}

function seeHelp(path: readonly CommandSpec[]): string {
  return `See: ${commandName(path)} --help`;
}

/** Follows the words that name commands; returns the command reached and the words left for it. */
function walk(program: Program, argv: readonly string[]): { path: CommandSpec[]; rest: string[] } {
  const path = [program.root];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (word.startsWith("-") && word !== "-") {
      rest.push(word);
      // An option's value is not a command name: `zen --profile dev stack list`.
      const option = find(optionsOf(program, path), word);
      if (option?.value && !word.includes("=") && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    const group = path.at(-1)!;
    if (group.run || !group.subcommands) {
      rest.push(word);
      continue;
    }
    const next = subcommandsOf(group).find((command) => command.name === word);
    if (!next) {
      const names = subcommandsOf(group).map((command) => command.name);
      const guess = closest(word, names);
      throw new UsageError(`Unknown command '${word}' for '${commandName(path)}'.`, {
        hint: `${guess ? `Did you mean '${commandName(path)} ${guess}'? ` : ""}Commands: ${names.join(", ")}.`,
      });
    }
    path.push(next);
  }
  return { path, rest };
}

export function parseCommandLine(program: Program, argv: readonly string[]): Outcome {
  // `zen help stack list` is `zen stack list --help`.
  const helpWord = argv[0] === "help";
  const { path, rest } = walk(program, helpWord ? argv.slice(1) : argv);
  const command = path.at(-1)!;
  const declared = optionsOf(program, path);
  const { tokens } = parseArgs({
    args: rest,
    options: Object.fromEntries(
      declared.map((option) => [option.long, { type: option.value ? "string" : "boolean", ...(option.short ? { short: option.short } : {}) }]),
    ) as Record<string, { type: "string" | "boolean"; short?: string }>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const options: Invocation["options"] = {};
  const args: string[] = [];
  const extra: string[] = [];
  const errors: UsageError[] = [];
  let configValueAt = -1; // index of the word that is the value of an undeclared `--key value`
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (token.index === configValueAt) extra.push(token.value);
      else if (args.length < (command.arguments?.length ?? 0)) args.push(token.value);
      else if (command.acceptsConfig) extra.push(token.value);
      else {
        errors.push(
          new UsageError(`Unexpected argument '${token.value}' for '${commandName(path)}'.`, {
            hint: `${command.arguments?.length ? `It takes ${usageArguments(command)}. ` : "It takes no arguments. "}${seeHelp(path)}`,
          }),
        );
      }
      continue;
    }
    // parseArgs has already turned a declared `-q` into `quiet`; `--q` is not `-q`, nor is any prefix
    // of a long name an abbreviation of it.
    const option = declared.find((o) => o.long === token.name);
    if (!option) {
      if (command.acceptsConfig && token.rawName.startsWith("--")) {
        extra.push(rest[token.index]!);
        if (!token.inlineValue) configValueAt = token.index + 1;
        continue;
      }
      errors.push(
        new UsageError(`Unknown option '${token.rawName}' for '${commandName(path)}'.`, {
          hint: `${suggestOption(declared, token.rawName)}${seeHelp(path)}`,
        }),
      );
      continue;
    }
    if (option.value && token.value === undefined) {
      errors.push(new UsageError(`Option '--${option.long}' needs a value.`, { hint: `Write --${option.long} ${option.value}.` }));
    } else if (!option.value && token.inlineValue) {
      errors.push(new UsageError(`Option '--${option.long}' takes no value.`, { hint: `Write just --${option.long}.` }));
    } else {
      options[optionKey(option.long)] = token.value ?? true;
    }
  }

  // Help wins over every other problem: `zen stack register --help` needs no name.
  if (helpWord || options.help) return { kind: "help", path };
  if (path.length === 1 && options.version) return { kind: "version" };
  if (errors[0]) throw errors[0];
  if (!command.run) return { kind: "help", path };

  command.arguments?.forEach((argument, index) => {
    if (argument.required && args[index] === undefined) {
      throw new UsageError(`Missing <${argument.name}> for '${commandName(path)}'.`, {
        hint: `Usage: ${usageLine(path)}. ${seeHelp(path)}`,
      });
    }
  });
  for (const option of declared) {
    const key = optionKey(option.long);
    if (options[key] === undefined && option.default !== undefined) options[key] = option.default;
    const value = options[key];
    if (option.required && value === undefined) {
      throw new UsageError(`Missing --${option.long} ${option.value} for '${commandName(path)}'.`, {
        hint: `Usage: ${usageLine(path)} --${option.long} ${option.value}. ${seeHelp(path)}`,
      });
    }
    if (option.choices && typeof value === "string" && !option.choices.includes(value)) {
      throw new UsageError(`'${value}' is not a valid --${option.long}.`, { hint: `Use one of: ${option.choices.join(", ")}.` });
    }
  }
  const invocation: Invocation = {
    path: path.slice(1).map((c) => c.name),
    args: (command.arguments ?? []).map((_, index) => args[index]),
    options,
    extra,
  };
  return { kind: "run", command, invocation };
}

/** `zen stack register [options] <name>`; a group takes `<command>`. */
export function usageLine(path: readonly CommandSpec[]): string {
  const command = path.at(-1)!;
  if (command.subcommands) return `${commandName(path)} [options] <command>`;
  return [commandName(path), "[options]", usageArguments(command)].filter(Boolean).join(" ");
}

/** `<name> [file]`: a command's arguments as usage shows them. */
export function usageArguments(command: CommandSpec): string {
  return (command.arguments ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ");
}
