/**
 * Parses the free-form `--key=value` / `--key value` options of `register`, `update` and `secret`
 * commands. Values may contain `=`; `@file` reads a value from a file (`@@` for a literal `@`).
 *
 * Keys are whatever the user typed, so they never index a plain object: `--constructor=1` is a key
 * like any other (the flavor or the secrets manager judges it), not a hit on `Object.prototype`.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { UsageError } from "@zen/core/command-line";

/** The largest file `@file` reads: values are credentials, keys and short texts, never data. */
export const MAX_FILE_VALUE_BYTES = 1024 * 1024;

/** The keys and values in the order given, in an object without a prototype. */
export function parseKeyValues(args: readonly string[], options: { cwd?: string } = {}): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
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
    if (Object.hasOwn(result, key)) {
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
  // Read once, never re-expanded: a file whose contents start with '@' stays as written.
  return readValueFile(key, file, file.startsWith("/") ? file : `${cwd}/${file}`)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/**
 * Reads a regular file of at most MAX_FILE_VALUE_BYTES. The type and size are checked on the open
 * descriptor before reading (a device never ends, a FIFO blocks), and the read stops at the limit in
 * case the file grows meanwhile. O_NONBLOCK keeps the open itself from waiting for a FIFO's writer.
 */
function readValueFile(key: string, file: string, path: string): Buffer {
  const refuse = (problem: string, hint: string) => new UsageError(`Cannot read the value of '--${key}' from '${file}': ${problem}.`, { hint });
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const problem = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : message;
    throw refuse(problem, "Check the path after '@', or write '@@' for a value that starts with a literal '@'.");
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw refuse(`it is ${kindOf(stats)}, not a regular file`, "Point '@' at a regular file, or write '@@' for a value that starts with a literal '@'.");
    }
    if (stats.size > MAX_FILE_VALUE_BYTES) {
      throw refuse(`it is ${stats.size} bytes, over the limit of 1 MiB`, "Values read with '@' are credentials, keys and short texts of at most 1 MiB.");
    }
    const buffer = Buffer.alloc(MAX_FILE_VALUE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_FILE_VALUE_BYTES) {
      throw refuse("it grew over the limit of 1 MiB while being read", "Values read with '@' are at most 1 MiB.");
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}
