/**
 * Standard output and error, written straight to their file descriptors. `process.stdout` is built on
 * first use and loads Node's stream and net modules: ~4 ms of a `zen stack list` printing into a pipe,
 * against a start-up budget of ~25 ms. Writes are synchronous either way (Node writes stdio files and
 * pipes synchronously on POSIX), so the order of lines does not change.
 */
import { fstatSync, writeSync } from "node:fs";

export interface Output {
  write(text: string): void;
}

function descriptor(fd: 1 | 2, stream: () => NodeJS.WriteStream): Output {
  let fallback: NodeJS.WriteStream | undefined;
  let readerGone = false;
  return {
    write(text) {
      if (readerGone) return;
      if (fallback) {
        fallback.write(text);
        return;
      }
      let rest = Buffer.from(text);
      while (rest.length > 0) {
        try {
          rest = rest.subarray(writeSync(fd, rest));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A reader that went away (`zen stack list | head -1`) wants no more.
          if (code === "EPIPE") readerGone = true;
          // A descriptor another process set non-blocking refuses what its pipe cannot take yet: the
          // stream waits for the reader.
          else if (code === "EAGAIN") (fallback = stream()).write(rest);
          else throw error;
          return;
        }
      }
    },
  };
}

function output(fd: 1 | 2, stream: () => NodeJS.WriteStream): Output {
  return process.platform === "win32" ? { write: (text) => void stream().write(text) } : descriptor(fd, stream);
}

export const stdout = output(1, () => process.stdout);
export const stderr = output(2, () => process.stderr);

/**
 * Whether `fd` is a terminal, told without `tty.isatty` (the tty module loads net and stream). A
 * terminal is a character device; so is /dev/null, which is harmless to treat as one.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

let columns: { value: number | undefined } | undefined;
/** The terminal's width, or undefined when stdout is not a terminal; asked once (help wraps every row with it). */
export function terminalColumns(): number | undefined {
  columns ??= { value: isTerminal(1) ? process.stdout.columns : undefined };
  return columns.value;
}
