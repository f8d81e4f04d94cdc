// One pass over the commands the other CLI tests don't exercise, each checked through its effect.
import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { sandbox } from "./run-zen.ts";

const json = (stdout: string) => JSON.parse(stdout);

describe("component, stack and profile commands", () => {
  it("updates, renames, gets and deletes components, and stacks follow renames", () => {
    const s = sandbox();
    expect(s.zen(["artifact-store", "register", "store", "--flavor", "local", "--path", "/tmp/one"]).status).toBe(0);
    expect(s.zen(["stack", "register", "work", "-o", "default", "-a", "store", "-m", "default", "--set"]).status).toBe(0);
    expect(s.zen(["artifact-store", "get"]).stdout).toBe("store\n");

    expect(s.zen(["artifact-store", "update", "--path=/tmp/two"]).status).toBe(0); // the active stack's
    expect(json(s.zen(["artifact-store", "describe", "--output", "json"]).stdout).item.config.path).toBe("/tmp/two");

    expect(s.zen(["artifact-store", "rename", "store", "renamed"]).status).toBe(0);
    expect(json(s.zen(["stack", "describe", "work", "--output", "json"]).stdout).item.components.artifact_store.name).toBe("renamed");

    expect(s.zen(["stack", "update", "work", "-a", "default"]).status).toBe(0);
    expect(s.zen(["artifact-store", "delete", "renamed", "-y"]).status).toBe(0);
    expect(json(s.zen(["artifact-store", "list", "--output", "json"]).stdout).items.map((c: { name: string }) => c.name)).toEqual(["default"]);
  });

  it("adds and removes optional components, renames, validates and deletes stacks", () => {
    const s = sandbox();
    expect(s.zen(["container-registry", "register", "local_registry", "--flavor", "default", "--uri=localhost:5000"]).status).toBe(0);
    expect(s.zen(["stack", "register", "with-registry", "-o", "default", "-a", "default", "-m", "default", "-c", "local_registry"]).status).toBe(0);
    expect(json(s.zen(["stack", "describe", "with-registry", "--output", "json"]).stdout).item.components.container_registry.name).toBe("local_registry");
    expect(s.zen(["stack", "remove-component", "with-registry", "-c"]).status).toBe(0);
    expect(json(s.zen(["stack", "describe", "with-registry", "--output", "json"]).stdout).item.components.container_registry).toBeUndefined();

    const valid = s.zen(["stack", "validate", "with-registry"]);
    expect(valid.status).toBe(0);
    expect(valid.stdout).toContain("is valid");

    expect(s.zen(["stack", "rename", "with-registry", "plain"]).status).toBe(0);
    expect(s.zen(["stack", "delete", "plain", "-y"]).status).toBe(0);
    expect(json(s.zen(["stack", "list", "--output", "json"]).stdout).items.map((x: { name: string }) => x.name)).toEqual(["default"]);
  });

  it("copies a stack into another profile and prints YAML", () => {
    const s = sandbox();
    expect(s.zen(["profile", "create", "other", "--store-type", "sql"]).status).toBe(0);
    expect(s.zen(["artifact-store", "register", "shared", "--flavor", "local", "--path=/tmp/shared"]).status).toBe(0);
    expect(s.zen(["stack", "register", "team", "-o", "default", "-a", "shared", "-m", "default"]).status).toBe(0);
    expect(s.zen(["stack", "copy", "team", "team", "--to-profile", "other"]).status).toBe(0);
    const copied = s.zen(["--profile", "other", "stack", "describe", "team", "--output", "yaml"]);
    expect(copied.status).toBe(0);
    expect(copied.stdout).toMatch(/kind: stack\n/);
    expect(copied.stdout).toMatch(/artifact_store:\n\s+name: shared/);
    const profile = json(s.zen(["profile", "describe", "other", "--output", "json"]).stdout).item;
    expect(profile).toMatchObject({ name: "other", store_type: "sql", active: false });
    expect(profile.store_url).toMatch(/^sqlite:\/\//);
  });

  it("gets, switches and deletes profiles", () => {
    const s = sandbox();
    expect(s.zen(["profile", "get"]).stdout).toBe("default\n");
    expect(s.zen(["profile", "create", "scratch"]).status).toBe(0);
    expect(s.zen(["profile", "set", "scratch"]).status).toBe(0);
    expect(s.zen(["profile", "get"]).stdout).toBe("scratch\n");
    expect(s.zen(["stack", "get"]).stdout).toBe("default\n");
    expect(s.zen(["profile", "set", "default"]).status).toBe(0);
    expect(s.zen(["profile", "delete", "scratch", "-y"]).status).toBe(0);
    expect(json(s.zen(["profile", "list", "--output", "json"]).stdout).items.map((p: { name: string }) => p.name)).toEqual(["default"]);
  });

  it("updates and deletes secrets", () => {
    const s = sandbox();
    expect(s.zen(["secrets-manager", "register", "vault", "--flavor", "local"]).status).toBe(0);
    expect(s.zen(["stack", "update", "default", "-x", "vault"]).status).toBe(0);
    expect(s.zen(["secret", "register", "db", "--user=admin", "--password=pw=with=equals"]).status).toBe(0);
    expect(s.zen(["secret", "update", "db", "--password=new"]).status).toBe(0);
    expect(json(s.zen(["secret", "get", "db", "--output", "json"]).stdout).item.keys.sort()).toEqual(["password", "user"]);
    expect(s.zen(["secret", "delete", "db", "-y"]).status).toBe(0);
    expect(json(s.zen(["secret", "list", "--output", "json"]).stdout).items).toEqual([]);
    const missing = s.zen(["secret", "get", "db"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/db/);
  });

  it("cleans the global configuration and the repository, then starts afresh", () => {
    const s = sandbox();
    const project = join(s.cwd, "project");
    mkdirSync(project);
    expect(s.zen(["init"], { cwd: project }).status).toBe(0);
    expect(s.zen(["profile", "create", "gone"], { cwd: project }).status).toBe(0);
    expect(s.zen(["clean"], { cwd: project }).status).toBe(2); // asks first; no terminal, no -y: refused
    expect(existsSync(join(project, ".zen"))).toBe(true);
    expect(s.zen(["clean", "-y"], { cwd: project }).status).toBe(0);
    expect(existsSync(join(project, ".zen"))).toBe(false);
    const fresh = s.zen(["profile", "list", "--output", "json"], { cwd: project });
    expect(fresh.stderr).toContain("Created and activated default profile.");
    expect(json(fresh.stdout).items.map((p: { name: string }) => p.name)).toEqual(["default"]);
  });
});

describe("colour", () => {
  it("colours messages, tables and errors when asked (FORCE_COLOR), and never with NO_COLOR set", () => {
    const s = sandbox(); // its environment sets NO_COLOR=1
    // A success message, a table and an error, each run under `env`.
    const outputs = (env: Record<string, string>, store: string) =>
      [
        ["artifact-store", "register", store, "--flavor", "local", `--path=/tmp/${store}`],
        ["stack", "list"],
        ["stack", "describe", "missing"],
      ].map((args) => {
        const result = s.zen(args, { env });
        return { status: result.status, output: result.stdout + result.stderr };
      });
    const coloured = outputs({ NO_COLOR: "", FORCE_COLOR: "1" }, "coloured");
    const inCi = outputs({ NO_COLOR: "", CI: "true" }, "in-ci"); // CI logs render colours, though stdout is a pipe
    const plain = outputs({ FORCE_COLOR: "1" }, "plain");
    const piped = outputs({ NO_COLOR: "" }, "piped"); // a pipe is not a terminal
    for (const results of [coloured, inCi, plain, piped]) expect(results.map((r) => r.status)).toEqual([0, 0, 1]);
    for (const { output } of [...coloured, ...inCi]) expect(output).toContain("\u001b[");
    for (const { output } of [...plain, ...piped]) expect(output).not.toContain("\u001b[");
  });
});
