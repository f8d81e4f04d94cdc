import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanAll, planClean } from "../src/config/clean.ts";
import { Zen } from "../src/zen/index.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

describe("zen clean removes only what zen created", () => {
  it("leaves a user's file in the config directory (and the directory) in place", async () => {
    box = await sandbox();
    const zen = await box.open();
    zen.close();
    await writeFile(join(box.configDir, "important.txt"), "mine");
    await mkdir(join(box.configDir, "my-notes"));

    const plan = await planClean({ cwd: box.work, env: box.env });
    expect(plan.keep.sort()).toEqual([join(box.configDir, "important.txt"), join(box.configDir, "my-notes")]);
    expect(plan.remove).toEqual(expect.arrayContaining([join(box.configDir, "config.yaml"), join(box.configDir, "profiles")]));
    expect(plan.remove.every((p) => p.startsWith(box!.configDir))).toBe(true);
    // Planning changes nothing.
    expect(await stat(join(box.configDir, "config.yaml"))).toBeTruthy();

    const removed = await cleanAll({ cwd: box.work, env: box.env });
    expect(removed).not.toContain(box.configDir);
    expect((await readdir(box.configDir)).sort()).toEqual(["important.txt", "my-notes"]);
    expect(await readFile(join(box.configDir, "important.txt"), "utf8")).toBe("mine");
  });

  it("in a repository's .zen, removes zen's files and keeps the user's", async () => {
    box = await sandbox();
    (await box.open()).close();
    await Zen.init(box.work, { env: box.env });
    await writeFile(join(box.work, ".zen", "notes.md"), "keep");
    const plan = await planClean({ cwd: box.work, env: box.env });
    expect(plan.remove).toEqual(expect.arrayContaining([join(box.work, ".zen", "config.yaml"), join(box.work, ".zen", ".gitignore")]));
    expect(plan.keep).toEqual([join(box.work, ".zen", "notes.md")]);
    await cleanAll({ cwd: box.work, env: box.env });
    expect(await readdir(join(box.work, ".zen"))).toEqual(["notes.md"]);
  });

  it("with nothing but zen's files, removes the directories too", async () => {
    box = await sandbox();
    (await box.open()).close();
    const removed = await cleanAll({ cwd: box.work, env: box.env });
    expect(removed).toContain(box.configDir);
    await expect(stat(box.configDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
