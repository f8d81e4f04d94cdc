// The command-line layer on its own: a small tree, every rule it enforces, and the help it prints.
import { describe, expect, it } from "@jest/globals";
import { renderHelp } from "../src/command-line/help.ts";
import { parseCommandLine, type Outcome } from "../src/command-line/parse.ts";
import type { CommandSpec, Program } from "../src/command-line/spec.ts";
import { PROTOTYPE_KEYS } from "./prototype-keys.ts";

const noop = async () => {};
let groupBuilt = 0;
const register: CommandSpec = {
  name: "register",
  description: "register a thing",
  arguments: [{ name: "name", required: true, description: "its name" }],
  options: [{ long: "flavor", short: "f", value: "<flavor>", required: true, description: "flavor" }],
  acceptsConfig: true,
  run: noop,
};
const list: CommandSpec = {
  name: "list",
  description: "list things",
  options: [
    { long: "output", value: "<format>", description: "output format", choices: ["table", "json"], default: "table" },
    { long: "yes", short: "y", description: "do not ask" },
    { long: "secret-flag", value: "<x>", description: "not for people", hidden: true },
  ],
  run: noop,
};
const makeProgram = (): Program => ({
  version: "1.2.3",
  globalOptions: [
    { long: "profile", value: "<name>", description: "profile to use" },
    { long: "quiet", short: "q", description: "less output" },
  ],
  root: {
    name: "zen",
    description: "the tool",
    subcommands: () => [
      {
        name: "thing",
        description: "manage things",
        subcommands: () => {
          groupBuilt++;
          return [register, list];
        },
      },
      { name: "status", description: "show status", arguments: [{ name: "what" }], run: noop },
    ],
  },
});
const program = makeProgram();

function run(...argv: string[]) {
  const outcome = parseCommandLine(program, argv);
  if (outcome.kind !== "run") throw new Error(`expected a command to run, got ${outcome.kind}`);
  return outcome.invocation;
}

function usageError(argv: string[]): { message: string; hint?: string; exitCode: number } {
  try {
    parseCommandLine(program, argv);
  } catch (error) {
    return error as { message: string; hint?: string; exitCode: number };
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseCommandLine", () => {
  it("finds the command, with global options anywhere on the line and their values never taken for commands", () => {
    expect(run("--profile", "thing", "thing", "list", "-q")).toEqual({
      path: ["thing", "list"],
      args: [],
      options: { profile: "thing", quiet: true, output: "table" },
      extra: [],
    });
    expect(run("thing", "list", "-qy", "--output=json").options).toEqual({ quiet: true, yes: true, output: "json" });
  });

  it("hands undeclared --key=value and --key value words to commands that take configuration, as typed", () => {
    const invocation = run("thing", "register", "n1", "--flavor", "local", "--path=/a=b", "--region", "eu", "--flag=");
    expect(invocation.args).toEqual(["n1"]);
    expect(invocation.options.flavor).toBe("local");
    expect(invocation.extra).toEqual(["--path=/a=b", "--region", "eu", "--flag="]);
    expect(run("thing", "register", "--region", "eu", "n2", "-f", "s3").args).toEqual(["n2"]);
  });

  it("refuses unknown commands and options with a suggestion, as usage errors", () => {
    const command = usageError(["thing", "lst"]);
    expect(command).toMatchObject({ message: "Unknown command 'lst' for 'zen thing'.", exitCode: 2 });
    expect(command.hint).toContain("Did you mean 'zen thing list'?");
    const option = usageError(["thing", "list", "--outptu", "json"]);
    expect(option).toMatchObject({ message: "Unknown option '--outptu' for 'zen thing list'.", exitCode: 2 });
    expect(option.hint).toContain("Did you mean --output?");
  });

  it("checks arguments, required options, values and choices", () => {
    expect(usageError(["thing", "register", "-f", "x"]).message).toBe("Missing <name> for 'zen thing register'.");
    expect(usageError(["thing", "register", "n"]).message).toBe("Missing --flavor <flavor> for 'zen thing register'.");
    expect(usageError(["thing", "list", "extra"]).message).toBe("Unexpected argument 'extra' for 'zen thing list'.");
    expect(usageError(["thing", "list", "--output"]).message).toBe("Option '--output' needs a value.");
    expect(usageError(["thing", "list", "--yes=no"]).message).toBe("Option '--yes' takes no value.");
    expect(usageError(["thing", "list", "--output", "xml"])).toMatchObject({
      message: "'xml' is not a valid --output.",
      hint: "Use one of: table, json.",
    });
  });

  it("gives help before checking anything, for `--help`, `help <command>` and a bare group", () => {
    const help = (outcome: Outcome) => (outcome.kind === "help" ? outcome.path.map((c) => c.name) : outcome.kind);
    expect(help(parseCommandLine(program, ["thing", "register", "--help"]))).toEqual(["zen", "thing", "register"]);
    expect(help(parseCommandLine(program, ["help", "thing", "list"]))).toEqual(["zen", "thing", "list"]);
    expect(help(parseCommandLine(program, ["thing"]))).toEqual(["zen", "thing"]);
    expect(help(parseCommandLine(program, []))).toEqual(["zen"]);
    expect(parseCommandLine(program, ["-V"]).kind).toBe("version");
  });

  it("never abbreviates: `--q` is not `-q`, and a prefix of a long option is unknown", () => {
    expect(usageError(["thing", "list", "--q=1"])).toMatchObject({
      message: "Unknown option '--q' for 'zen thing list'.",
      hint: "Did you mean -q (--quiet)? See: zen thing list --help",
      exitCode: 2,
    });
    expect(usageError(["thing", "list", "--q"]).message).toBe("Unknown option '--q' for 'zen thing list'.");
    expect(usageError(["thing", "list", "--y"]).hint).toContain("Did you mean -y (--yes)?");
    expect(usageError(["thing", "list", "--out", "json"]).message).toBe("Unknown option '--out' for 'zen thing list'.");
    expect(usageError(["thing", "list", "--qui"]).message).toBe("Unknown option '--qui' for 'zen thing list'.");
    expect(usageError(["--V"]).message).toBe("Unknown option '--V' for 'zen'.");
    // On a command that takes configuration, `--q=1` is a configuration key like any other.
    expect(run("thing", "register", "n", "-f", "x", "--q=1")).toMatchObject({ options: { flavor: "x" }, extra: ["--q=1"] });
  });

  it("treats Object.prototype's names as undeclared options: configuration, or unknown", () => {
    for (const key of PROTOTYPE_KEYS) {
      const invocation = run("thing", "register", "n", "-f", "x", `--${key}=1`, `--${key}`, "2");
      expect({ key, extra: invocation.extra, options: invocation.options }).toEqual({
        key,
        extra: [`--${key}=1`, `--${key}`, "2"],
        options: { flavor: "x" },
      });
      expect(usageError(["thing", "list", `--${key}`]).message).toBe(`Unknown option '--${key}' for 'zen thing list'.`);
    }
  });

  it("passes optional arguments as undefined and words after -- as positionals", () => {
    expect(run("status").args).toEqual([undefined]);
    expect(run("status", "--", "--not-an-option").args).toEqual(["--not-an-option"]);
  });

  it("builds a group's commands only when the line reaches the group", () => {
    const fresh = makeProgram();
    const before = groupBuilt;
    parseCommandLine(fresh, ["status"]);
    expect(groupBuilt).toBe(before);
    parseCommandLine(fresh, ["thing", "list"]);
    parseCommandLine(fresh, ["thing", "register", "n", "-f", "x"]);
    expect(groupBuilt).toBe(before + 1);
  });
});

describe("renderHelp", () => {
  it("shows usage, arguments, the command's own options with choices and defaults, and the global ones apart", () => {
    const outcome = parseCommandLine(program, ["thing", "list", "--help"]);
    if (outcome.kind !== "help") throw new Error("expected help");
    const text = renderHelp(program, outcome.path);
    expect(text).toMatch(/^Usage: zen thing list \[options\]\n\nlist things\n/);
    expect(text).toMatch(/--output <format> +output format \(choices: table, json; default: table\)/);
    expect(text).toMatch(/-y, --yes +do not ask/);
    expect(text).not.toContain("secret-flag");
    expect(text).toMatch(/Global options:\n {2}--profile <name> +profile to use/);
  });

  it("lists a group's commands with their arguments", () => {
    const outcome = parseCommandLine(program, ["thing"]);
    if (outcome.kind !== "help") throw new Error("expected help");
    const text = renderHelp(program, outcome.path);
    expect(text).toMatch(/^Usage: zen thing \[options\] <command>/);
    expect(text).toMatch(/register \[options\] <name> +register a thing/);
    expect(text).toContain("Run 'zen thing <command> --help'");
  });
});
