// Shell completion: the bash script `zen completion bash` prints, run in a real bash with COMP_WORDS and
// COMP_CWORD set, completes commands, options, choices and the active profile's names; a completion
// request writes nothing and imports no flavor package. The zsh and fish scripts are checked for shape.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { sandbox, ZEN_BIN, type Sandbox } from "./run-zen.ts";

describe("shell completion", () => {
  let s: Sandbox;
  let project: string;
  let marker: string;
  let bin: string;

  /** COMPREPLY of the bash function for `zen <words…>`, the last word being the one under the cursor. */
  function bashComplete(words: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string[] {
    const script = [
      "source <(zen completion bash 2>/dev/null)",
      'COMP_WORDS=(zen "$@")',
      "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))",
      "_zen_completion",
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    const result = spawnSync("bash", ["-c", script, "bash", ...words], {
      cwd: options.cwd ?? project,
      env: { ...s.env, ...options.env, PATH: `${bin}:${s.env.PATH}` },
      encoding: "utf8",
    });
    expect({ words, status: result.status, stderr: result.stderr }).toEqual({ words, status: 0, stderr: "" });
    return result.stdout.split("\n").filter(Boolean);
  }

  beforeAll(() => {
    s = sandbox();
    project = makeProject({ dir: join(s.cwd, "project") });
    marker = join(s.cwd, "imports.log");
    flavorPackageFixture({ project, name: "zen-integration-watched", marker, flavors: [{ type: "artifact_store", name: "watched" }] });
    bin = join(s.cwd, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "zen"), `#!/bin/sh\nexec "${process.execPath}" "${ZEN_BIN}" "$@"\n`);
    chmodSync(join(bin, "zen"), 0o755);
    const ok = (args: string[]) => expect(s.zen(args, { cwd: project })).toMatchObject({ status: 0 });
    ok(["artifact-store", "register", "store-b", "--flavor", "local", `--path=${join(s.cwd, "b")}`]);
    ok(["artifact-store", "register", "store-a", "--flavor", "local", `--path=${join(s.cwd, "a")}`]);
    ok(["secrets-manager", "register", "vault", "--flavor", "local"]);
    ok(["stack", "register", "team", "-o", "default", "-a", "store-a", "-m", "default", "-x", "vault"]);
    ok(["stack", "set", "team", "--global"]);
    ok(["secret", "register", "db-login", "--user=u", "--password=p"]);
    ok(["secret", "register", "api", "--token=t"]);
    ok(["profile", "create", "other"]);
    ok(["profile", "create", "warehouse", "--store-type", "sql"]);
    ok(["--profile", "warehouse", "stack", "register", "nightly", "-o", "default", "-a", "default", "-m", "default"]);
    ok(["artifact-store", "flavor", "list"]); // the warm discovery cache
    rmSync(marker, { force: true });
  });

  it("completes commands, options and choices", () => {
    expect(bashComplete([""])).toEqual(expect.arrayContaining(["stack", "profile", "secret", "artifact-store", "completion", "help"]));
    expect(bashComplete(["st"])).toEqual(["step-operator", "stack", "status"]);
    expect(bashComplete(["stack", "re"])).toEqual(["register", "remove-component", "rename"]);
    expect(bashComplete(["help", "sta"])).toEqual(["stack", "status"]);
    expect(bashComplete(["stack", "list", "--"])).toEqual(["--output", "--profile", "--stack", "--quiet", "--help"]);
    expect(bashComplete(["stack", "list", "--output", ""])).toEqual(["table", "json", "yaml"]);
    expect(bashComplete(["stack", "list", "--output", "=", "j"])).toEqual(["json"]); // bash splits `--output=j` at '='
    expect(bashComplete(["stack", "list", "--output", "="])).toEqual(["table", "json", "yaml"]);
    expect(bashComplete(["stack", "list", "--output=j"])).toEqual(["--output=json"]); // zsh and fish keep the word whole
    expect(bashComplete(["profile", "create", "p", "--store-type", ""])).toEqual(["local", "sql"]);
    expect(bashComplete(["completion", ""])).toEqual(["bash", "zsh", "fish"]);
    expect(bashComplete(["stack", "lst", ""])).toEqual([]);
  });

  it("completes the names of stacks, components per type, profiles, flavors and secrets of the active profile", () => {
    expect(bashComplete(["stack", "describe", ""])).toEqual(["default", "team"]);
    expect(bashComplete(["stack", "set", "t"])).toEqual(["team"]);
    expect(bashComplete(["--stack", ""])).toEqual(["default", "team"]);
    expect(bashComplete(["artifact-store", "describe", ""])).toEqual(["default", "store-a", "store-b"]);
    expect(bashComplete(["stack", "update", "team", "-a", "store-"])).toEqual(["store-a", "store-b"]);
    expect(bashComplete(["stack", "register", "x", "--secrets-manager", ""])).toEqual(["vault"]);
    expect(bashComplete(["orchestrator", "delete", ""])).toEqual(["default"]);
    expect(bashComplete(["profile", "set", ""])).toEqual(["default", "other", "warehouse"]);
    expect(bashComplete(["stack", "copy", "team", "t2", "--to-profile", "o"])).toEqual(["other"]);
    expect(bashComplete(["artifact-store", "register", "x", "--flavor", ""])).toEqual(["local", "watched"]);
    expect(bashComplete(["artifact-store", "flavor", "describe", "w"])).toEqual(["watched"]);
    expect(bashComplete(["secret", "get", ""])).toEqual(["api", "db-login"]);
    // A new name is not completed; the other profile's stacks are, when --profile names it.
    expect(bashComplete(["stack", "register", ""])).toEqual([]);
    expect(bashComplete(["--profile", "other", "stack", "describe", ""])).toEqual(["default"]);
    expect(bashComplete(["stack", "describe", ""], { env: { ZEN_PROFILE: "other" } })).toEqual(["default"]);
    expect(bashComplete(["--profile", "warehouse", "stack", "describe", ""])).toEqual(["default", "nightly"]); // a SQL profile
  });

  it("completes paths where a command takes a file", () => {
    writeFileSync(join(project, "team-stack.yaml"), "x");
    expect(bashComplete(["stack", "import", "team-st"])).toEqual(["team-stack.yaml"]);
  });

  it("writes nothing, creates no profile and imports no flavor package", () => {
    rmSync(join(project, "node_modules/.cache"), { recursive: true, force: true }); // a cold cache is not rebuilt
    const before = s.snapshot(project);
    expect(bashComplete(["artifact-store", "register", "x", "--flavor", ""])).not.toContain("watched");
    bashComplete(["stack", "describe", ""]);
    bashComplete(["secret", "get", ""]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(project, "node_modules/.cache"))).toBe(false);
    expect(s.snapshot(project)).toBe(before);

    const fresh = join(s.cwd, "fresh-config");
    expect(bashComplete(["stack", "describe", ""], { env: { ZEN_CONFIG_PATH: fresh } })).toEqual([]);
    expect(bashComplete(["st"], { env: { ZEN_CONFIG_PATH: fresh } })).toEqual(["step-operator", "stack", "status"]);
    expect(existsSync(fresh)).toBe(false);
  });

  it("prints a script per shell, with how to install it on stderr", () => {
    const bash = s.zen(["completion", "bash"]);
    expect(bash.status).toBe(0);
    expect(bash.stderr).toMatch(/^Install: zen completion bash > /);
    expect(spawnSync("bash", ["-n"], { input: bash.stdout }).status).toBe(0);
    const zsh = s.zen(["completion", "zsh"]);
    expect(zsh).toMatchObject({ status: 0, stdout: expect.stringMatching(/^#compdef zen\n/) });
    expect(zsh.stdout).toMatch(/zen __complete "\$\{\(@\)words\[2,CURRENT\]\}"/);
    expect(zsh.stdout).toContain("compdef _zen zen");
    const fish = s.zen(["completion", "fish"]);
    expect(fish.stdout).toContain("complete -c zen -f -a '(__zen_complete)'");
    expect(fish.stdout).toContain("zen __complete $words[2..-1]");
    for (const [shell, result] of [
      ["zsh", zsh],
      ["fish", fish],
    ] as const) {
      const check = spawnSync(shell, ["-n"], { input: result.stdout });
      if (!check.error) expect({ shell, status: check.status }).toEqual({ shell, status: 0 }); // only where the shell is installed
    }
    expect(s.zen(["completion", "tcsh"])).toMatchObject({ status: 2, stderr: expect.stringContaining("Use one of: bash, zsh, fish.") });
  });
});
