import { describe, expect, it, afterEach } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findRepositoryRoot, readRepositoryConfig, repositoryConfigFile, updateRepositoryConfig } from "../src/config/repository.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

describe("repository", () => {
  it("is found by walking up from a subdirectory", async () => {
    dir = await tempDir();
    await mkdir(join(dir, "project", ".zen"), { recursive: true });
    await mkdir(join(dir, "project", "src", "deep"), { recursive: true });
    expect(await findRepositoryRoot(join(dir, "project", "src", "deep"), {})).toBe(join(dir, "project"));
    expect(await findRepositoryRoot(dir, {})).toBeUndefined();
  });

  it("is taken exactly from ZEN_REPOSITORY_PATH, without walking, and a wrong path is an error", async () => {
    dir = await tempDir();
    await mkdir(join(dir, "repo", ".zen"), { recursive: true });
    await mkdir(join(dir, "repo", "sub"), { recursive: true });
    await mkdir(join(dir, "elsewhere"));
    expect(await findRepositoryRoot(join(dir, "elsewhere"), { ZEN_REPOSITORY_PATH: join(dir, "repo") })).toBe(join(dir, "repo"));
    await expect(findRepositoryRoot(join(dir, "repo"), { ZEN_REPOSITORY_PATH: join(dir, "repo", "sub") })).rejects.toMatchObject({
      code: "ZEN_NOT_FOUND",
      message: expect.stringContaining("holds no zen repository"),
      hint: expect.stringContaining("zen init"),
    });
  });

  it("writes .zen/config.yaml with a format version, 0600 in a 0700 directory", async () => {
    dir = await tempDir();
    await updateRepositoryConfig(dir, (c) => {
      c.active_profile_name = "default";
      c.active_stack_name = "dev";
    });
    const text = await readFile(repositoryConfigFile(dir), "utf8");
    expect(text).toBe("format_version: 1\nactive_profile_name: default\nactive_stack_name: dev\n");
    expect((await stat(repositoryConfigFile(dir))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, ".zen"))).mode & 0o777).toBe(0o700);
    expect(await readRepositoryConfig(dir)).toEqual({ active_profile_name: "default", active_stack_name: "dev" });
  });

  it("reads a ZenML-style file without format version; reports a malformed one with its line", async () => {
    dir = await tempDir();
    await mkdir(join(dir, ".zen"));
    await writeFile(repositoryConfigFile(dir), "active_profile_name: default\nactive_stack_name: default\n");
    expect(await readRepositoryConfig(dir)).toEqual({ active_profile_name: "default", active_stack_name: "default" });
    await writeFile(repositoryConfigFile(dir), "active_profile_name: default\nactive_stack_name: a: b\n");
    await expect(readRepositoryConfig(dir)).rejects.toThrow(/Malformed YAML in '.*\.zen\/config\.yaml' at line 2, column \d+: /);
    await writeFile(repositoryConfigFile(dir), "active_stack_name: [a]\n");
    await expect(readRepositoryConfig(dir)).rejects.toThrow(/active_stack_name must be a non-empty string, found a list/);
  });

  it("keeps its parse cache and locks out of git, leaving config.yaml to commit, and never rewrites .gitignore", async () => {
    dir = await tempDir();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    await updateRepositoryConfig(dir, (c) => {
      c.active_stack_name = "dev";
    });
    await readRepositoryConfig(dir); // writes the parse cache next to config.yaml
    // What a lock held by another zen process looks like (proper-lockfile's directory).
    await mkdir(join(dir, ".zen", "config.yaml.lock"));
    await writeFile(join(dir, ".zen", "config.yaml.lock", "owner"), "");
    expect((await readdir(join(dir, ".zen"))).sort()).toEqual([".config.yaml.parsed.json", ".gitignore", "config.yaml", "config.yaml.lock"]);
    expect(git("status", "--porcelain", "--untracked-files=all").split("\n").filter(Boolean).sort()).toEqual(["?? .zen/.gitignore", "?? .zen/config.yaml"]);
    await rm(join(dir, ".zen", "config.yaml.lock"), { recursive: true });
    await writeFile(join(dir, ".zen", ".gitignore"), "# mine\n");
    await updateRepositoryConfig(dir, (c) => {
      c.active_stack_name = "prod";
    });
    expect(await readFile(join(dir, ".zen", ".gitignore"), "utf8")).toBe("# mine\n");
  });
});
