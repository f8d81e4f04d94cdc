// The start-up rule: `zen --help` and `zen stack list` never import flavor packages (integration code),
// and nothing does on a warm discovery cache; only a cold cache's scan imports them, once.
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { sandbox } from "./run-zen.ts";

describe("what commands import", () => {
  it("imports no flavor package for help or listing stacks, cold or warm, and only in a cold discovery scan otherwise", () => {
    const s = sandbox();
    const project = makeProject({ dir: join(s.cwd, "project") });
    const marker = join(s.cwd, "imports.log");
    flavorPackageFixture({ project, name: "zen-integration-watched", marker, flavors: [{ type: "artifact_store", name: "watched" }] });
    const imported = () => (existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean) : []);
    const ok = (args: string[]) => {
      const result = s.zen(args, { cwd: project });
      expect({ args, status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      return result.stdout;
    };

    // Cold: the first command creates the default profile and stack.
    ok(["--help"]);
    ok(["stack", "list"]);
    ok(["stack", "list", "--help"]);
    expect(imported()).toEqual([]);

    expect(ok(["artifact-store", "flavor", "list"])).toContain("watched");
    expect(imported()).toEqual(["zen-integration-watched"]);
    rmSync(marker);

    // Warm: nothing imports package code, not even listing its flavors.
    ok(["--help"]);
    ok(["stack", "list"]);
    expect(ok(["artifact-store", "flavor", "list"])).toContain("watched");
    ok(["stack", "describe"]);
    expect(imported()).toEqual([]);
  });
});
