// Bad input gets one clear sentence and a hint on stderr, exit 1 (2 for bad usage), and no file changes.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sandbox, type Sandbox } from "./run-zen.ts";

function expectRefused(s: Sandbox, args: string[], code: number, ...fragments: (string | RegExp)[]) {
  const before = s.snapshot();
  const result = s.zen(args);
  expect({ args, status: result.status }).toEqual({ args, status: code });
  for (const fragment of fragments) expect(result.stderr).toMatch(fragment);
  expect(result.stderr).toMatch(/Error: .+\n/);
  expect(result.stderr).toMatch(/Hint: .+/);
  expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  expect(s.snapshot()).toBe(before);
  return result;
}

describe("bad input", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
    expect(s.zen(["artifact-store", "register", "store2", "--flavor", "local", "--path=/tmp/zen-a=b"]).status).toBe(0);
    expect(s.zen(["stack", "register", "second", "-o", "default", "-a", "store2", "-m", "default"]).status).toBe(0);
  });

  it("keeps values that contain '='", () => {
    const doc = JSON.parse(s.zen(["artifact-store", "describe", "store2", "--output", "json"]).stdout);
    expect(doc.item.config.path).toBe("/tmp/zen-a=b");
  });

  it("names the available flavors for an unknown flavor, and the package that provides a known one", () => {
    expectRefused(s, ["artifact-store", "register", "x", "--flavor", "nope", "--path=/tmp/x"], 1, /nope/, /local/);
    expectRefused(s, ["artifact-store", "register", "x", "--flavor", "s3", "--path=s3://b"], 1, /@zen\/integration-s3/);
  });

  it("lists the valid keys for an unknown --key", () => {
    expectRefused(s, ["artifact-store", "register", "x", "--flavor", "local", "--pth=/tmp/x"], 1, /pth/, /path/);
  });

  it("explains an invalid or missing value in plain words", () => {
    expectRefused(s, ["artifact-store", "register", "x", "--flavor", "local"], 1, /path/);
  });

  it("rejects invalid and duplicate names", () => {
    expectRefused(s, ["artifact-store", "register", "bad name!", "--flavor", "local", "--path=/tmp/x"], 1, /name/);
    expectRefused(s, ["artifact-store", "register", "store2", "--flavor", "local", "--path=/tmp/x"], 1, /store2/, /already/);
    expectRefused(s, ["stack", "register", "second", "-o", "default", "-a", "default", "-m", "default"], 1, /second/, /already/);
  });

  it("names missing required components and unknown component names", () => {
    expectRefused(s, ["stack", "register", "partial", "-o", "default"], 1, /artifact store/i, /metadata store/i);
    expectRefused(s, ["stack", "register", "ghost", "-o", "default", "-a", "ghost", "-m", "default"], 1, /ghost/);
  });

  it("refuses to delete a component in use, the active stack and the active profile", () => {
    expectRefused(s, ["artifact-store", "delete", "store2", "-y"], 1, /second/);
    expectRefused(s, ["stack", "delete", "default", "-y"], 1, /active/);
    expectRefused(s, ["profile", "delete", "default", "-y"], 1, /active/);
  });

  it("asks before deleting a stack and refuses without confirmation when it cannot ask", () => {
    expectRefused(s, ["stack", "delete", "second"], 2, /-y/);
  });

  it("reports bad usage with exit code 2", () => {
    const unknownCommand = s.zen(["stack", "frobnicate"]);
    expect(unknownCommand.status).toBe(2);
    expect(unknownCommand.stderr).toMatch(/Unknown command .frobnicate. for .zen stack./);
    const badOutput = s.zen(["stack", "list", "--output", "xml"]);
    expect(badOutput.status).toBe(2);
    const stray = s.zen(["artifact-store", "update", "store2", "oops"]);
    expect(stray.status).toBe(2);
    // The README's example: a mistyped option is named, with the likely one.
    const typo = s.zen(["stack", "list", "--outptu", "json"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe("Error: Unknown option '--outptu' for 'zen stack list'.\nHint: Did you mean --output? See: zen stack list --help\n");
  });

  it("names the file and line of malformed YAML and leaves the file as it was", () => {
    const t = sandbox();
    t.zen(["stack", "list"]);
    const configFile = join(t.configDir, "config.yaml");
    const broken = `${readFileSync(configFile, "utf8")}\nprofiles: [unclosed\n`;
    writeFileSync(configFile, broken);
    const result = t.zen(["stack", "list"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(configFile);
    expect(result.stderr).toMatch(/line \d+/);
    expect(readFileSync(configFile, "utf8")).toBe(broken);
    expect(readdirSync(t.configDir).filter((f) => f.startsWith("config.yaml"))).toEqual(["config.yaml"]);
  });
});
