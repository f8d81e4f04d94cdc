// A custom flavor's name: another module under a taken name is refused (naming both) unless
// --replace; the same module again is a no-op; a built-in's or an installed package's name is never
// taken. Listing shows the flavor's own description, describing shows its module and config keys
// (with their defaults).
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { flavorPackageFixture, makeProject, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

/** A plain-JS flavor module (the brand fields by hand, zod by absolute URL). */
function flavorModule(name: string, description: string): string {
  return `import { z } from ${JSON.stringify(ZOD_ESM_URL)};
class Impl { static componentType = "artifact_store"; constructor(init) { Object.assign(this, init); } }
export const flavor = Object.freeze({
  $$type: "@zen/Flavor", apiVersion: 1, type: "artifact_store", name: ${JSON.stringify(name)},
  description: ${JSON.stringify(description)},
  config: z.object({ path: z.string().describe("Where the artifacts go"), retries: z.number().int().default(3).describe("How often to retry") }),
  implementation: async () => Impl,
});
`;
}

describe("custom flavor names", () => {
  let s: Sandbox;
  let project: string;
  const zen = (args: string[]) => s.zen(args, { cwd: project });
  beforeAll(() => {
    s = sandbox();
    project = makeProject({ dir: join(s.cwd, "project") });
    flavorPackageFixture({ project, name: "zen-integration-packaged", flavors: [{ type: "artifact_store", name: "packaged" }] });
    writeTree(project, {
      "test.mjs": flavorModule("test", "Keeps artifacts in the test bucket"),
      "other.mjs": flavorModule("test", "Another module calling itself test"),
      "local.mjs": flavorModule("local", "Pretends to be the local store"),
      "packaged.mjs": flavorModule("packaged", "Pretends to be the package's flavor"),
    });
    expect(zen(["stack", "list"]).status).toBe(0);
  });

  it("shows a custom flavor's own description in the list, and its module and keys in describe", () => {
    const registered = zen(["artifact-store", "flavor", "register", "./test.mjs#flavor"]);
    expect({ status: registered.status, stdout: registered.stdout }).toEqual({
      status: 0,
      stdout: expect.stringContaining("Registered custom artifact store flavor 'test' from ./test.mjs#flavor"),
    });
    const list = JSON.parse(zen(["artifact-store", "flavor", "list", "--output", "json"]).stdout).items as { name: string; description: string }[];
    expect(list.find((f) => f.name === "test")).toMatchObject({ description: "Keeps artifacts in the test bucket" });
    const table = zen(["artifact-store", "flavor", "list"]).stdout;
    expect(table).toContain("Keeps artifacts in the test bucket");
    expect(table).not.toContain("custom flavor from");
    const described = zen(["artifact-store", "flavor", "describe", "test"]);
    expect(described.status).toBe(0);
    expect(described.stdout).toContain("./test.mjs#flavor");
    expect(described.stdout).toContain("Keeps artifacts in the test bucket");
    expect(described.stdout).toMatch(/--path\s.*required.*Where the artifacts go/);
    expect(described.stdout).toMatch(/--retries\s.*optional.*default: 3.*How often to retry/);
  });

  it("treats the same module again as a no-op", () => {
    const before = s.snapshot();
    const again = zen(["artifact-store", "flavor", "register", "./test.mjs#flavor"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("The custom artifact store flavor 'test' is already registered from ./test.mjs#flavor: nothing changed.");
    expect(s.snapshot()).toBe(before);
  });

  it("refuses another module under a taken name, naming both, and changes nothing", () => {
    const before = s.snapshot();
    const other = zen(["artifact-store", "flavor", "register", "./other.mjs#flavor"]);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("The custom artifact store flavor 'test' is already registered from ./test.mjs#flavor, not ./other.mjs#flavor.");
    expect(other.stderr).toContain("--replace");
    expect(s.snapshot()).toBe(before);
    // With -q too: the refusal is an error, not a notice.
    expect(zen(["artifact-store", "flavor", "register", "./other.mjs#flavor", "-q"]).status).toBe(1);
  });

  it("replaces it with --replace, and says what it replaced", () => {
    const replaced = zen(["artifact-store", "flavor", "register", "./other.mjs#flavor", "--replace"]);
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toContain("Replaced the custom artifact store flavor 'test' (was ./test.mjs#flavor) with ./other.mjs#flavor.");
    const list = JSON.parse(zen(["artifact-store", "flavor", "list", "--output", "json"]).stdout).items as {
      name: string;
      description: string;
      source: { specifier?: string };
    }[];
    expect(list.find((f) => f.name === "test")).toMatchObject({
      description: "Another module calling itself test",
      source: { specifier: "./other.mjs#flavor" },
    });
  });

  it("never takes a built-in's or an installed package's name, even with --replace", () => {
    const before = s.snapshot();
    for (const replace of [[], ["--replace"]]) {
      const builtin = zen(["artifact-store", "flavor", "register", "./local.mjs#flavor", ...replace]);
      expect(builtin.status).toBe(1);
      expect(builtin.stderr).toContain("The artifact store flavor 'local' is built into zen; a custom flavor cannot take its name.");
      const packaged = zen(["artifact-store", "flavor", "register", "./packaged.mjs#flavor", ...replace]);
      expect(packaged.status).toBe(1);
      expect(packaged.stderr).toContain(
        "The artifact store flavor 'packaged' is provided by the installed package zen-integration-packaged; a custom flavor cannot take its name.",
      );
    }
    expect(s.snapshot()).toBe(before);
  });
});
