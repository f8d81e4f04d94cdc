/**
 * What a shell's Tab offers: `zen __complete <words…>` receives the words after `zen` up to the
 * cursor (the last one possibly empty) and prints one candidate a line. Commands, options and
 * choices come from the command tree; the names of stacks, components, profiles, flavors and
 * secrets from the files zen keeps (names.ts). A single line `:files` asks the shell to complete a
 * path instead.
 */
import { COMPONENT_TYPES, type ComponentType } from "@zen/core/command-line";
import { optionsOf, subcommandsOf } from "../command-line/parse.ts";
import type { ArgumentSpec, CommandSpec, OptionSpec, Program } from "../command-line/spec.ts";
import { readNames, type Names, type NameContext } from "./names.ts";
import { stdout } from "../stdio.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;

export const FILES = ":files";

type Candidates = string[] | typeof FILES;

/** Where the words before the cursor lead: the command reached, its arguments so far, and the option awaiting a value. */
interface Position {
  path: CommandSpec[];
  argumentCount: number;
  pending: OptionSpec | undefined;
  flags: { profile?: string; stack?: string };
}

function findOption(options: readonly OptionSpec[], word: string): OptionSpec | undefined {
  const name = word.replace(/=.*$/, "");
  if (name.startsWith("--")) return options.find((option) => option.long === name.slice(2));
  return name.length === 2 ? options.find((option) => option.short === name[1]) : undefined;
}

/** Bash splits `--output=json` into `--output`, `=`, `json`: joined again here. */
function joinAssignments(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const previous = joined.at(-1);
    if (word === "=" && previous?.startsWith("--") && !previous.includes("=")) joined[joined.length - 1] = `${previous}=${words[++i] ?? ""}`;
    else joined.push(word);
  }
  return joined;
}

function walk(program: Program, words: readonly string[]): Position | undefined {
  const position: Position = { path: [program.root], argumentCount: 0, pending: undefined, flags: {} };
  const record = (option: OptionSpec, value: string) => {
    if (option.long === "profile" || option.long === "stack") position.flags[option.long] = value;
  };
  let configValue = false;
  for (const [index, word] of words.entries()) {
    const command = position.path.at(-1)!;
    if (position.pending) {
      record(position.pending, word);
      position.pending = undefined;
    } else if (configValue) {
      configValue = false;
    } else if (word.startsWith("-") && word !== "-" && word !== "--") {
      const option = findOption(optionsOf(program, position.path), word);
      if (option?.value && word.includes("=")) record(option, word.slice(word.indexOf("=") + 1));
      else if (option?.value) position.pending = option;
      else if (!option && command.acceptsConfig && !word.includes("=")) configValue = true;
    } else if (word === "help" && index === 0) {
    } else if (command.subcommands && !command.run) {
      const next = subcommandsOf(command).find((c) => c.name === word);
      if (!next) return undefined;
      position.path.push(next);
    } else {
      position.argumentCount++;
    }
  }
  return position;
}

/** The component type a group manages (`artifact-store` → `artifact_store`). */
function typeOfGroup(path: readonly CommandSpec[]): ComponentType | undefined {
  return COMPONENT_TYPES.find((type) => type.cliGroup === path[1]?.name)?.key;
}

async function optionValues(option: OptionSpec, path: readonly CommandSpec[], names: Names): Promise<Candidates> {
  if (option.choices) return [...option.choices];
  if (option.long === "profile" || option.long === "to-profile") return names.profiles();
  if (option.long === "stack") return names.stacks();
  const type = typeOfGroup(path);
  if (option.long === "flavor" && type) return names.flavors(type);
  const component = path[1]?.name === "stack" ? COMPONENT_TYPES.find((t) => t.longOption === option.long) : undefined;
  if (component) return names.components(component.key);
  if (/^<(dir|file|path|url)>$/.test(option.value ?? "")) return FILES;
  return [];
}

/** A `name` argument names an existing thing of the group, except where it names a new one. */
async function argumentValues(argument: ArgumentSpec, path: readonly CommandSpec[], names: Names): Promise<Candidates> {
  const command = path.at(-1)!.name;
  if (argument.name === "shell") return [...SHELLS];
  if (argument.name === "file" || argument.name === "specifier") return FILES;
  if (argument.name !== "name" || command === "register" || command === "create") return [];
  const type = typeOfGroup(path);
  if (type) return path[2]?.name === "flavor" ? names.flavors(type) : names.components(type);
  switch (path[1]?.name) {
    case "stack":
      return names.stacks();
    case "profile":
      return names.profiles();
    case "secret":
      return names.secrets();
    default:
      return [];
  }
}

/** The candidates for the last of `words`, filtered by what it already holds. */
export async function complete(
  program: Program,
  rawWords: readonly string[],
  names: (context: Pick<NameContext, "profile" | "stack">) => Names,
): Promise<Candidates> {
  const words = joinAssignments(rawWords.length > 0 ? rawWords : [""]);
  const current = words.at(-1)!;
  const position = walk(program, words.slice(0, -1));
  if (!position) return [];
  const { path } = position;
  const command = path.at(-1)!;
  const within = (candidates: Candidates, prefix = ""): Candidates =>
    candidates === FILES ? FILES : [...new Set(candidates)].filter((c) => `${prefix}${c}`.startsWith(current)).map((c) => `${prefix}${c}`);

  if (position.pending) return within(await optionValues(position.pending, path, names(position.flags)));
  const assignment = /^(--[^=]+)=/.exec(current);
  if (assignment) {
    const option = findOption(optionsOf(program, path), assignment[1]!);
    if (!option?.value) return [];
    const values = within(await optionValues(option, path, names(position.flags)), assignment[0]);
    // Bash completes only what follows the '=' it split on; zsh and fish the whole word.
    const split = rawWords.at(-1) !== current;
    return values === FILES || !split ? values : values.map((value) => value.slice(assignment[0].length));
  }
  if (current.startsWith("-")) {
    return within(
      optionsOf(program, path)
        .filter((option) => !option.hidden)
        .map((option) => `--${option.long}`),
    );
  }
  if (command.subcommands && !command.run) {
    const commands = subcommandsOf(command)
      .filter((c) => !c.hidden)
      .map((c) => c.name);
    return within(path.length === 1 && words.length === 1 ? [...commands, "help"] : commands);
  }
  const argument = command.arguments?.[position.argumentCount];
  if (!argument) return [];
  return within(await argumentValues(argument, path, names(position.flags)));
}

/** `zen __complete <words…>`: prints the candidates; never fails (a broken configuration completes to nothing). */
export async function printCompletions(program: Program, words: readonly string[]): Promise<number> {
  let candidates: Candidates;
  try {
    candidates = await complete(program, words, (flags) => readNames({ env: process.env, cwd: process.cwd(), ...flags }));
  } catch {
    candidates = [];
  }
  stdout.write(candidates === FILES ? `${FILES}\n` : candidates.map((c) => `${c}\n`).join(""));
  return 0;
}
