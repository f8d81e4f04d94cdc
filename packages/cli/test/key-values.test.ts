import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { MAX_FILE_VALUE_BYTES, parseKeyValues } from "../src/key-values.ts";
import { PROTOTYPE_KEYS } from "./prototype-keys.ts";

function usageErrorOf(run: () => unknown): { message: string; hint?: string; exitCode: number } {
  try {
    run();
  } catch (error) {
    return error as { message: string; hint?: string; exitCode: number };
  }
  throw new Error("expected a usage error");
}

describe("parseKeyValues", () => {
  it("accepts --key=value and --key value, keeping '=' inside values", () => {
    expect(parseKeyValues(["--path=/a=b", "--region", "eu-west-1", "--opt=x=y=z"])).toEqual({
      path: "/a=b",
      region: "eu-west-1",
      opt: "x=y=z",
    });
  });

  it("reads @file values once and keeps @@ as a literal @", () => {
    const dir = makeTempDir("zen-kv-");
    writeFileSync(join(dir, "value.txt"), "@not-expanded-again\n");
    expect(parseKeyValues(["--token=@value.txt", "--handle=@@me"], { cwd: dir })).toEqual({
      token: "@not-expanded-again",
      handle: "@me",
    });
  });

  it("rejects duplicates, bare words, missing values and unreadable files with usage errors", () => {
    expect(() => parseKeyValues(["--a=1", "--a=2"])).toThrow("given twice");
    expect(() => parseKeyValues(["stray"])).toThrow("Unexpected argument 'stray'");
    expect(() => parseKeyValues(["--a"])).toThrow("needs a value");
    expect(() => parseKeyValues(["--a=@/definitely/missing"])).toThrow("Cannot read the value of '--a'");
    try {
      parseKeyValues(["--1bad=x"]);
      throw new Error("expected a usage error");
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it("takes Object.prototype's names as ordinary keys, in an object without a prototype", () => {
    for (const key of PROTOTYPE_KEYS) {
      const parsed = parseKeyValues([`--${key}=1`, "--other", "2"]);
      expect({ key, prototype: Object.getPrototypeOf(parsed), keys: Object.keys(parsed), value: parsed[key] }).toEqual({
        key,
        prototype: null,
        keys: [key, "other"],
        value: "1",
      });
      expect(usageErrorOf(() => parseKeyValues([`--${key}=1`, `--${key}=2`])).message).toBe(`Option '--${key}' is given twice.`);
    }
  });

  it("reads only regular files within the limit, checking before reading", () => {
    const dir = makeTempDir("zen-kv-files-");
    writeFileSync(join(dir, "limit.txt"), "x".repeat(MAX_FILE_VALUE_BYTES));
    expect(parseKeyValues(["--k=@limit.txt"], { cwd: dir }).k).toHaveLength(MAX_FILE_VALUE_BYTES);
    writeFileSync(join(dir, "over.txt"), "x".repeat(MAX_FILE_VALUE_BYTES + 1));
    execFileSync("truncate", ["-s", "300M", join(dir, "sparse.bin")]);
    execFileSync("mkfifo", [join(dir, "fifo")]); // reading it would wait forever for a writer
    mkdirSync(join(dir, "folder"));
    const refusals: [string, RegExp][] = [
      ["/dev/zero", /'\/dev\/zero': it is a device, not a regular file\.$/],
      ["fifo", /'fifo': it is a FIFO \(named pipe\), not a regular file\.$/],
      ["folder", /'folder': it is a directory, not a regular file\.$/],
      ["over.txt", /'over.txt': it is 1048577 bytes, over the limit of 1 MiB\.$/],
      ["sparse.bin", /'sparse.bin': it is 314572800 bytes, over the limit of 1 MiB\.$/],
      ["missing.txt", /'missing.txt': no such file\.$/],
    ];
    for (const [file, message] of refusals) {
      const error = usageErrorOf(() => parseKeyValues([`--token=@${file}`], { cwd: dir }));
      expect({ file, message: error.message, exitCode: error.exitCode }).toEqual({
        file,
        message: expect.stringMatching(message),
        exitCode: 2,
      });
      expect(error.message).toContain("Cannot read the value of '--token'");
      expect(error.hint).toMatch(/\S/);
    }
  });
});
