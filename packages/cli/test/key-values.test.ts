import { describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { parseKeyValues } from "../src/key-values.ts";

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
});
