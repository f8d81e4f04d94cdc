/**
 * The command tree as data: what `zen` accepts, the help it prints, and the handler each command runs.
 * Parsing the words of a command line is left to Node (`util.parseArgs`); see parse.ts.
 */

export interface OptionSpec {
  /** Long name without dashes, e.g. `artifact-store`; handlers read it camel-cased (`options.artifactStore`). */
  long: string;
  short?: string;
  /** Placeholder of the value, e.g. `<format>`; a flag has none. */
  value?: string;
  description: string;
  choices?: readonly string[];
  default?: string;
  required?: boolean;
  /** Left out of help: options for tests and tooling. */
  hidden?: boolean;
}

export interface ArgumentSpec {
  name: string;
  required?: boolean;
  description?: string;
}

/** What a handler receives: the command's positional arguments and options (global ones included). */
export interface Invocation {
  /** The words that named the command, e.g. `["stack", "list"]`. */
  path: readonly string[];
  /** In the order of the command's `arguments`; `undefined` for an optional one not given. */
  args: (string | undefined)[];
  options: Record<string, string | boolean | undefined>;
  /** The undeclared `--key=value` / `--key value` words of a command that `acceptsConfig`, as typed. */
  extra: string[];
}

export interface CommandSpec {
  name: string;
  description: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** Takes configuration as undeclared `--key=value` options (component and secret values). */
  acceptsConfig?: boolean;
  /** A group's commands; built only when the group is reached, so start-up never builds all of them. */
  subcommands?: () => readonly CommandSpec[];
  run?: (invocation: Invocation) => Promise<void>;
  /** Left out of help and completion: entrypoints for machines (e.g. `zen step run` in a step's container). */
  hidden?: boolean;
}

export interface Program {
  root: CommandSpec;
  /** Accepted by every command, anywhere on the line (`--profile`, `--stack`, `-q`). */
  globalOptions: readonly OptionSpec[];
  version: string;
}

/** `artifact-store` → `artifactStore`: the key under which a handler finds an option. */
export function optionKey(long: string): string {
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
