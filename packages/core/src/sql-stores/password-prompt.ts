/**
 * Asks for a database password on the terminal, without echo: for a profile on a server when neither
 * ZEN_STORE_PASSWORD nor a password file gives one and the server wants one. The answer lives only in
 * this process's memory; nothing is written anywhere.
 */
import { ZenError } from "../errors.ts";

/** True when a person can answer: stdin is a terminal (never in CI, pipes or scripts). */
export function canPromptForPassword(): boolean {
  return process.stdin.isTTY === true && typeof process.stdin.setRawMode === "function";
}

/** Reads one line from the terminal in raw mode (so nothing is echoed); Ctrl-C or Ctrl-D on an empty line cancel. */
export function promptPassword(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  return new Promise((resolve, reject) => {
    let value = "";
    const wasRaw = input.isRaw;
    const finish = (error?: ZenError) => {
      input.removeListener("data", onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || (ch === "\u0004" && value === "")) {
          return finish(
            new ZenError("Cancelled at the password prompt; nothing was changed.", {
              code: "ZEN_CANCELLED",
              exitCode: 130,
              hint: "Set ZEN_STORE_PASSWORD, or name an owner-only file with ?password_file=/path in the store URL.",
            }),
          );
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch === "\u0015")
          value = ""; // Ctrl-U clears the line, as a terminal would
        else if (ch >= " ") value += ch;
      }
    };
    output.write(question);
    input.setRawMode(true);
    input.setEncoding("utf8");
    input.on("data", onData);
    input.resume();
  });
}
