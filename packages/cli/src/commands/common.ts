/** What command handlers share: opening the configuration with the global flags, and confirmations. */
import type { ZenApi } from "@zen/core";
import { loadZen, UsageError, ZenError } from "@zen/core/command-line";
import { cliPackage } from "../cli-package.ts";
import type { Invocation } from "../command-line/spec.ts";
import { info, parseOutputFormat, type OutputFormat } from "../output.ts";

export interface GlobalOptions {
  profile?: string;
  stack?: string;
  quiet?: boolean;
  output?: string;
  yes?: boolean;
  dryRun?: boolean;
}

export function options(command: Invocation): GlobalOptions & Record<string, unknown> {
  return command.options;
}

export function outputFormat(command: Invocation): OutputFormat {
  return parseOutputFormat(options(command).output);
}

/** Opens the configuration (creating the default profile on first use) and prints the context line. */
export async function openZen(command: Invocation, { banner = true } = {}): Promise<ZenApi> {
  const opts = options(command);
  const { Zen, settingSourceLabel } = await loadZen();
  const zen = await Zen.open({
    cliRoot: cliPackage().root,
    profile: opts.profile,
    stack: opts.stack,
    dryRun: Boolean(opts.dryRun),
    onNotice: (message: string) => {
      if (!opts.quiet) info(message);
    },
  });
  if (banner && !opts.quiet) {
    const { profile } = zen.context;
    info(`Running with active profile: '${profile.name}' (${settingSourceLabel(profile.source)})`);
  }
  return zen;
}

/** Asks before a destructive action; `-y` (or a dry run, which changes nothing) skips. Without a terminal to ask on, refuses instead of guessing. */
export async function confirm(command: Invocation, question: string): Promise<void> {
  if (options(command).yes || options(command).dryRun) return;
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
