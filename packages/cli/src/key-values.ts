/**
 * Parses the free-form `--key=value` / `--key value` options of `register`, `update` and `secret`
 * commands. Values may contain `=`; `@file` reads a value from a file (`@@` for a literal `@`).
 */
import { readFileSync } from "node:fs";
import { UsageError } from "@zen/core/errors";

const MAX_FILE_VALUE_BYTES = 1024 * 1024;

export function parseKeyValues(args: readonly string[], options: { cwd?: string } = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      throw new UsageError(`Unexpected argument '${arg}'.`, {
        hint: "Give configuration as --key=value (or --key value); quote values that contain spaces.",
      });
    }
    const body = arg.slice(2);
    const eq = body.indexOf("=");
    let key: string;
    let value: string;
    if (eq >= 0) {
      key = body.slice(0, eq);
      value = body.slice(eq + 1);
    } else {
      key = body;
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new UsageError(`Option '--${key}' needs a value.`, { hint: `Write --${key}=VALUE.` });
      }
      value = next;
      i++;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
      throw new UsageError(`'--${key}' is not a valid option name.`, {
        hint: "Option names start with a letter or '_' and contain letters, digits, '_' and '-'.",
      });
    }
    if (key in result) {
      throw new UsageError(`Option '--${key}' is given twice.`, { hint: "Give each option once." });
    }
    result[key] = expandFileValue(key, value, options.cwd ?? process.cwd());
  }
  return result;
}

function expandFileValue(key: string, value: string, cwd: string): string {
  if (value.startsWith("@@")) return value.slice(1);
  if (!value.startsWith("@")) return value;
  const file = value.slice(1);
  let content: Buffer;
  try {
    content = readFileSync(file.startsWith("/") ? file : `${cwd}/${file}`);
  } catch (error) {
    throw new UsageError(`Cannot read the value of '--${key}' from '${file}': ${(error as Error).message}.`, {
      hint: "Check the path after '@', or write '@@' for a value that starts with a literal '@'.",
    });
  }
  if (content.byteLength > MAX_FILE_VALUE_BYTES) {
    throw new UsageError(`The file '${file}' given for '--${key}' is larger than 1 MiB.`);
  }
  // Read once, never re-expanded: a file whose contents start with '@' stays as written.
  return content.toString("utf8").replace(/\r?\n$/, "");
}
