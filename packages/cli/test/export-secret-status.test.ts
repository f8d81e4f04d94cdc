// Smaller facade fixes seen by a user: export to stdout and clear export errors, a referenced secret
// cannot vanish silently, `zen status` fails on a missing profile, and local paths are stored absolute.
import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sandbox } from "./run-zen.ts";

describe("stack export targets", () => {
  const s = sandbox();

  it("writes to stdout with '-' and creates no file", () => {
    const r = s.zen(["-q", "stack", "export", "default", "-"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^format: zen-stack\n/);
    expect(readdirSync(s.cwd)).toEqual([]);
  });

  it.each([
    ["/nonexistent/dir/x.yaml", "Cannot write '/nonexistent/dir/x.yaml': its directory '/nonexistent/dir' does not exist.", "mkdir -p /nonexistent/dir"],
    [`${"x".repeat(300)}.yaml`, "the file name is too long", "Choose a shorter file name"],
  ])("names the file and what to do for %s", (file, message, hint) => {
    const r = s.zen(["-q", "stack", "export", "default", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toMatch(/ENOENT|ENAMETOOLONG| {4}at /);
  });
});

describe("deleting a secret that components refer to", () => {
  const s = sandbox();
  const ok = (args: string[]) => {
    const r = s.zen(["-q", ...args]);
    expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: "" });
  };
  ok(["secrets-manager", "register", "vault", "--flavor", "local"]);
  ok(["stack", "register", "safe", "-o", "default", "-a", "default", "-m", "default", "-x", "vault", "--set"]);
  ok(["secret", "register", "registry", "--uri=localhost:5000"]);
  ok(["container-registry", "register", "hub", "--flavor", "default", "--uri={{registry.uri}}"]);

  it("is refused, naming the components, and keeps the secret", () => {
    const before = s.snapshot();
    const r = s.zen(["secret", "delete", "registry", "-y"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Secret 'registry' is referred to by container registry 'hub'.");
    expect(r.stderr).toContain("--force");
    expect(s.snapshot()).toBe(before);
  });

  it("is refused before any question is asked (no -y, no terminal)", () => {
    const r = s.zen(["secret", "delete", "registry"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Secret 'registry' is referred to by container registry 'hub'.");
    expect(r.stderr).not.toContain("Refusing without confirmation");
    const missing = s.zen(["secret", "delete", "ghost"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("ghost");
    expect(missing.stderr).not.toContain("Refusing without confirmation");
    // Once the checks pass, the question still guards the deletion.
    const unasked = s.zen(["secret", "delete", "registry", "--force"]);
    expect(unasked.status).toBe(2);
    expect(unasked.stderr).toContain("Delete secret 'registry'? Refusing without confirmation.");
  });

  it("goes ahead with --force", () => {
    ok(["secret", "delete", "registry", "-y", "--force"]);
    expect(s.zen(["secret", "list", "--output", "json"]).stdout).not.toContain("registry");
  });
});

describe("zen status", () => {
  it("exits 1 naming the missing active profile and how to fix it", () => {
    const s = sandbox();
    const r = s.zen(["status"], { env: { ZEN_PROFILE: "ghost" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Profile 'ghost' (from ZEN_PROFILE) does not exist.");
    expect(r.stderr).toContain("ZEN_PROFILE names it");
  });
});

describe("local paths", () => {
  it("are stored absolute, resolved against the directory of register/update, and shown so", () => {
    const s = sandbox();
    const sub = join(s.cwd, "sub");
    mkdirSync(sub);
    const registered = s.zen(["-q", "artifact-store", "register", "files", "--flavor", "local", "--path", "artifacts"], { cwd: sub });
    expect(registered.status).toBe(0);
    const describe = (cwd: string) => JSON.parse(s.zen(["artifact-store", "describe", "files", "--output", "json"], { cwd }).stdout).item.config;
    expect(describe(s.cwd)).toEqual({ path: join(sub, "artifacts") });
    expect(s.zen(["-q", "metadata-store", "register", "meta", "--flavor", "sqlite", "--uri=runs/meta.db"]).status).toBe(0);
    expect(JSON.parse(s.zen(["metadata-store", "describe", "meta", "--output", "json"], { cwd: sub }).stdout).item.config).toEqual({
      uri: join(s.cwd, "runs/meta.db"),
    });
    expect(s.zen(["-q", "artifact-store", "update", "files", "--path=../elsewhere"], { cwd: sub }).status).toBe(0);
    expect(describe(sub)).toEqual({ path: join(s.cwd, "elsewhere") });
    // A value with a URL scheme is stored as given.
    expect(s.zen(["-q", "metadata-store", "update", "meta", "--uri=sqlite:///abs/db.sqlite"], { cwd: sub }).status).toBe(0);
    expect(JSON.parse(s.zen(["metadata-store", "describe", "meta", "--output", "json"]).stdout).item.config).toEqual({ uri: "sqlite:///abs/db.sqlite" });
    expect(existsSync(join(sub, "artifacts"))).toBe(false);
  });
});
