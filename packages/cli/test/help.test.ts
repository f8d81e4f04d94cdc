// `--help` works on every command and subcommand, without touching the configuration.
import { describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import { COMPONENT_TYPES } from "@zen/core/component-types";
import { sandbox } from "./run-zen.ts";

const commands = [
  [],
  ["stack"],
  ["stack", "register"],
  ["profile", "create"],
  ["secret", "register"],
  ["init"],
  ["status"],
  ["doctor"],
  ...COMPONENT_TYPES.flatMap((t) => [[t.cliGroup], [t.cliGroup, "register"], [t.cliGroup, "flavor", "list"]]),
];

describe("--help", () => {
  it.each(commands.map((c) => [c.join(" ") || "zen", c]))("%s --help", (_label, args) => {
    const s = sandbox();
    const result = s.zen([...(args as string[]), "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: zen/);
    expect(existsSync(s.configDir)).toBe(false);
  });

  it("answers `zen help <command>` like `<command> --help`", () => {
    const s = sandbox();
    const viaWord = s.zen(["help", "stack", "list"]);
    expect(viaWord.status).toBe(0);
    expect(viaWord.stdout).toBe(s.zen(["stack", "list", "--help"]).stdout);
    expect(viaWord.stdout).toMatch(/^Usage: zen stack list \[options\]/);
  });

  it("generates every component group and the stack register options from the type table", () => {
    const help = sandbox().zen(["stack", "register", "--help"]).stdout;
    for (const t of COMPONENT_TYPES) expect(help).toContain(`-${t.shortOption}, --${t.longOption} <name>`);
  });
});
