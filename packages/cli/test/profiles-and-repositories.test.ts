// The seed's transcripts: default profile on first use, profiles isolate stacks, `zen init` pins the
// active profile and stack per directory while the global choice stays untouched outside it.
import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sandbox } from "./run-zen.ts";

describe("profiles and repositories", () => {
  it("creates the default profile and stack on first use, and says so on stderr", () => {
    const s = sandbox();
    const first = s.zen(["profile", "list", "--output", "json"]);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain("Created and activated default profile.");
    expect(first.stderr).toContain("Running with active profile: 'default' (global)");
    const doc = JSON.parse(first.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.items).toEqual([expect.objectContaining({ name: "default", active: true, store_type: "local", active_stack: "default" })]);

    const second = s.zen(["stack", "list", "--output", "json"]);
    expect(second.stderr).not.toContain("Created and activated default profile.");
    const stacks = JSON.parse(second.stdout).items;
    expect(stacks).toHaveLength(1);
    expect(stacks[0]).toMatchObject({
      name: "default",
      active: true,
      components: {
        orchestrator: { name: "default", flavor: "local" },
        artifact_store: { name: "default", flavor: "local" },
        metadata_store: { name: "default", flavor: "sqlite" },
      },
    });
  });

  it("keeps the stacks of each profile apart", () => {
    const s = sandbox();
    expect(s.zen(["profile", "create", "zenml"]).status).toBe(0);
    expect(s.zen(["profile", "set", "zenml"]).status).toBe(0);
    const registered = s.zen(["stack", "register", "custom", "-m", "default", "-a", "default", "-o", "default"]);
    expect(registered.stderr).toContain("Running with active profile: 'zenml' (global)");
    expect(registered.status).toBe(0);
    expect(s.zen(["stack", "set", "custom"]).status).toBe(0);

    const zenmlStacks = JSON.parse(s.zen(["stack", "list", "--output", "json"]).stdout).items;
    expect(zenmlStacks.map((x: { name: string; active: boolean }) => [x.name, x.active]).sort()).toEqual([
      ["custom", true],
      ["default", false],
    ]);

    expect(s.zen(["profile", "set", "default"]).status).toBe(0);
    const defaultStacks = JSON.parse(s.zen(["stack", "list", "--output", "json"]).stdout).items;
    expect(defaultStacks.map((x: { name: string }) => x.name)).toEqual(["default"]);

    const profiles = JSON.parse(s.zen(["profile", "list", "--output", "json"]).stdout).items;
    expect(profiles).toEqual([
      expect.objectContaining({ name: "default", active: true, active_stack: "default" }),
      expect.objectContaining({ name: "zenml", active: false, active_stack: "custom" }),
    ]);
  });

  it("pins profile and stack per repository without touching the global choice", () => {
    const s = sandbox();
    s.zen(["profile", "create", "zenml"]);
    s.zen(["--profile", "zenml", "stack", "register", "custom", "-m", "default", "-a", "default", "-o", "default"]);

    const project = join(s.cwd, "project");
    mkdirSync(join(project, "src/deep"), { recursive: true });
    const init = s.zen(["init"], { cwd: project });
    expect(init.status).toBe(0);
    expect(readFileSync(join(project, ".zen/config.yaml"), "utf8")).toMatch(/active_profile_name: default[\s\S]*active_stack_name: default/);

    expect(s.zen(["profile", "set", "zenml"], { cwd: project }).status).toBe(0);
    expect(s.zen(["stack", "set", "custom"], { cwd: project }).status).toBe(0);

    const inside = s.zen(["status", "--output", "json"], { cwd: join(project, "src/deep") });
    expect(JSON.parse(inside.stdout).item).toMatchObject({
      profile: { name: "zenml", source: "repository" },
      stack: { name: "custom", source: "repository" },
      repositoryRoot: project,
    });
    const insideList = s.zen(["stack", "list"], { cwd: project });
    expect(insideList.stderr).toContain("Running with active profile: 'zenml' (local)");

    const outside = JSON.parse(s.zen(["status", "--output", "json"]).stdout).item;
    expect(outside).toMatchObject({ profile: { name: "default", source: "global" }, stack: { name: "default" }, repositoryRoot: null });
    // Setting the stack inside the repository did not change the zenml profile's own global stack.
    const zenml = JSON.parse(s.zen(["profile", "describe", "zenml", "--output", "json"]).stdout).item;
    expect(zenml.active_stack).toBe("default");
  });

  it("resolves flag > environment > repository > global, and shows the source", () => {
    const s = sandbox();
    s.zen(["profile", "create", "other"]);
    const project = join(s.cwd, "repo");
    mkdirSync(project);
    s.zen(["init"], { cwd: project });
    const fromEnv = JSON.parse(s.zen(["status", "--output", "json"], { cwd: project, env: { ZEN_PROFILE: "other" } }).stdout).item;
    expect(fromEnv.profile).toEqual({ name: "other", source: "env" });
    const fromFlag = JSON.parse(s.zen(["--profile", "default", "status", "--output", "json"], { cwd: project, env: { ZEN_PROFILE: "other" } }).stdout).item;
    expect(fromFlag.profile).toEqual({ name: "default", source: "flag" });
    // The table names each source as the user would set it.
    const table = s.zen(["--profile", "default", "status"], { cwd: project, env: { ZEN_STACK: "default" } }).stdout;
    expect(table).toMatch(/ACTIVE PROFILE +│ default +\(from --profile\)/);
    expect(table).toMatch(/ACTIVE STACK +│ default +\(from ZEN_STACK\)/);
    const viaRepoPath = JSON.parse(s.zen(["status", "--output", "json"], { env: { ZEN_REPOSITORY_PATH: project } }).stdout).item;
    expect(viaRepoPath.repositoryRoot).toBe(project);
  });

  it("refuses a second `zen init` and an unknown profile in the environment, changing nothing", () => {
    const s = sandbox();
    const project = join(s.cwd, "twice");
    mkdirSync(project);
    expect(s.zen(["init"], { cwd: project }).status).toBe(0);
    const before = s.snapshot(project);
    const again = s.zen(["init"], { cwd: project });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already/i);
    const missing = s.zen(["stack", "list"], { env: { ZEN_PROFILE: "nope" } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("nope");
    expect(s.snapshot(project)).toBe(before);
    expect(existsSync(join(project, ".zen/config.yaml"))).toBe(true);
  });
});
