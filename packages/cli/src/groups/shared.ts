/** Options several command groups share. */
import type { OptionSpec } from "../command-line/spec.ts";

export const TIMEOUT: OptionSpec = { long: "timeout", value: "<seconds>", description: "give up after this many seconds", default: "30" };

export const DRY_RUN: OptionSpec = {
  long: "dry-run",
  description: "show what would change (records added, changed, removed) and change nothing",
};

export const FORCE: OptionSpec = { long: "force", description: "do it even though something still refers to it" };
