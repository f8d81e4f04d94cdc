/**
 * Colours for people, plain text for pipes and for anyone who sets NO_COLOR (https://no-color.org).
 * The codes are Node's own (`util.inspect.colors`, what `util.styleText` uses; styleText itself reads
 * `process.stdout`); whether to colour is decided here without building `process.stdout`, whose first
 * use loads Node's tty, net and stream modules: ~4 ms of every command.
 * The rules are the usual ones: NO_COLOR turns colours off, FORCE_COLOR and CI turn them on, a terminal
 * gets them unless TERM=dumb.
 */
import { inspect } from "node:util";
import { isTerminal } from "./stdio.ts";

function colorWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR || process.platform === "win32" || env.CI) return true;
  return env.TERM !== "dumb" && isTerminal(1);
}

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "blue" | "cyan" | "reset";
export type Colors = Record<Style, (text: string) => string>;

function palette(enabled: boolean): Colors {
  const plain = (text: string) => text;
  const paint = (style: Style) => {
    if (!enabled || style === "reset") return plain;
    const [open, close] = inspect.colors[style] ?? [];
    return (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  };
  return {
    bold: paint("bold"),
    dim: paint("dim"),
    red: paint("red"),
    green: paint("green"),
    yellow: paint("yellow"),
    blue: paint("blue"),
    cyan: paint("cyan"),
    reset: paint("reset"),
  };
}

export const colors: Colors = palette(colorWanted(process.env));
