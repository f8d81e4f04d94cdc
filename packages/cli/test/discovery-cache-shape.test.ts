// A discovery cache file of the wrong shape is an optimisation gone bad, not an error: the next
// command discards it and rebuilds it without a word.
import { describe, expect, it } from "@jest/globals";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { sandbox } from "./run-zen.ts";

describe("a discovery cache of the wrong shape", () => {
  it.each([
    ["null", () => null],
    ["builtins: null", (index: Record<string, unknown>) => ({ ...index, builtins: null })],
    ["packages: [null]", (index: Record<string, unknown>) => ({ ...index, packages: [null] })],
    ["garbage", () => "garbage"],
  ])("is rebuilt silently (%s)", (_label, damage) => {
    const s = sandbox();
    const project = makeProject({ dir: join(s.cwd, "project") });
    flavorPackageFixture({ project, name: "zen-integration-shape", flavors: [{ type: "artifact_store", name: "shape" }] });
    const list = () => s.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project });
    expect(s.zen(["stack", "list"], { cwd: project }).status).toBe(0); // creates the default profile
    const first = list();
    expect(first.status).toBe(0);
    const cacheFile = join(project, "node_modules", ".cache", "zen", "discovery-v2.json");
    writeFileSync(cacheFile, JSON.stringify(damage(JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, unknown>)));
    for (let round = 0; round < 2; round++) {
      const result = list();
      // Nothing more than a clean run says (the context line).
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: first.stderr });
      expect((JSON.parse(result.stdout).items as { name: string }[]).map((f) => f.name).sort()).toEqual(["local", "shape"]);
    }
    expect(JSON.parse(readFileSync(cacheFile, "utf8"))).toMatchObject({ format: 2, builtins: expect.any(Array) });
  });
});
