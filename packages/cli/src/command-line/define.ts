/** Building blocks the command definitions share: lazily loaded handlers and common options. */
import type { Invocation, OptionSpec } from "./spec.ts";

export type Handler = (invocation: Invocation) => Promise<void>;

/** A handler exported by a module loaded only when the command runs. */
export function lazy<M>(load: () => Promise<M>, pick: (module: M) => Handler): Handler {
  return async (invocation) => pick(await load())(invocation);
}

/** The handlers a module exports, each by name: `handlers(() => import("./stack.ts"))("list")`. */
export function handlers<M>(load: () => Promise<M>): (name: keyof M) => Handler {
  return (name) => lazy(load, (module) => module[name] as Handler);
}

export const OUTPUT: OptionSpec = {
  long: "output",
  value: "<format>",
  description: "output format",
  choices: ["table", "json", "yaml"],
  default: "table",
};

export const YES: OptionSpec = { long: "yes", short: "y", description: "do not ask for confirmation" };
