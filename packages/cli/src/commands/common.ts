/** What command handlers share: opening the configuration with the global flags, and confirmations. */
import type { Command } from "commander";
import type { ZenApi, SettingSource } from "@zen/core";
import { UsageError, ZenError } from "@zen/core/errors";
import { cliPackage } from "../cli-package.ts";
import { info, parseOutputFormat, type OutputFormat } from "../output.ts";

export interface GlobalOptions {
  profile?: string;
  stack?: string;
  quiet?: boolean;
  output?: string;
  yes?: boolean;
}

export function options(command: Command): GlobalOptions & Record<string, unknown> {
  return command.optsWithGlobals();
}

export function outputFormat(command: Command): OutputFormat {
  return parseOutputFormat(options(command).output);
}

const SOURCE_LABEL: Record<SettingSource, string> = {
  flag: "flag",
  env: "env",
  repository: "local",
  global: "global",
  default: "global",
};

/** Opens the configuration (creating the default profile on first use) and prints the context line. */
export async function openZen(command: Command, { banner = true } = {}): Promise<ZenApi> {
  const opts = options(command);
  const { Zen } = await import("@zen/core/zen");
  const zen = await Zen.open({
    cliRoot: cliPackage().root,
    profile: opts.profile,
    stack: opts.stack,
    onNotice: (message: string) => {
      if (!opts.quiet) info(message);
    },
  });
  if (banner && !opts.quiet) {
    const { profile } = zen.context;
    info(`Running with active profile: '${profile.name}' (${SOURCE_LABEL[profile.source]})`);
  }
  return zen;
}

/** Asks before a destructive action; `-y` skips. Without a terminal to ask on, refuses instead of guessing. */
export async function confirm(command: Command, question: string): Promise<void> {
  if (options(command).yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(`${question} Refusing without confirmation.`, { hint: "Pass -y to confirm." });
  }
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw new ZenError("Cancelled; nothing was changed.", { exitCode: 1, code: "ZEN_CANCELLED" });
  } finally {
    rl.close();
  }
}

/** Positional arguments as commander parsed them. */
export function args(command: Command): (string | undefined)[] {
  return command.processedArgs as (string | undefined)[];
}

/** The unknown `--key=value` options of a command that accepts them, without its positional operands. */
export function extraArgs(command: Command, positionals: number): string[] {
  return command.args.slice(positionals);
}
