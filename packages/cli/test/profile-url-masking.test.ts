/**
 * zen never records a password in a store URL (one given is refused), but a config edited by hand may
 * hold one: `zen profile list` and `describe` show it masked, in every output format.
 */
import { describe, expect, it } from "@jest/globals";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { sandbox } from "./run-zen.ts";

describe("store URLs shown by zen profile list and describe", () => {
  it("mask a password written into the config by hand", () => {
    const s = sandbox();
    expect(s.zen(["profile", "list"]).status).toBe(0);
    appendFileSync(
      join(s.configDir, "config.yaml"),
      ["  team:", "    store_type: sql", "    store_url: mysql://zen:Hand-Written-Pw@db.example:3306/team", "    active_stack: default", ""].join("\n"),
    );
    for (const args of [
      ["profile", "list"],
      ["profile", "list", "--output", "json"],
      ["profile", "describe", "team"],
      ["profile", "describe", "team", "--output", "yaml"],
    ]) {
      const r = s.zen(args);
      expect({ args, status: r.status }).toEqual({ args, status: 0 });
      expect(r.stdout).toContain("mysql://zen:***@db.example:3306/team");
      expect(r.stdout + r.stderr).not.toContain("Hand-Written-Pw");
    }
  });
});
