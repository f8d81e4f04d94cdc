import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openStackStore } from "../src/store/open-store.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await removeDir(box?.root);
  await removeDir(dir);
  box = undefined;
  dir = undefined;
});

/** A default profile with one more component, so its stacks.yaml has something to lose. */
async function populated(extraEnv: Record<string, string> = {}): Promise<{ box: Sandbox; stacksFile: string }> {
  box = await sandbox(extraEnv);
  const zen = await box.open();
  await zen.registerComponent("orchestrator", "o2", "local", {});
  zen.close();
  return { box, stacksFile: join(box.configDir, "profiles", "default", "stacks.yaml") };
}

describe("a missing or damaged stack store is an error, never an empty profile", () => {
  it("a deleted stacks.yaml: reads and writes fail naming the file, and nothing is written", async () => {
    const { box, stacksFile } = await populated();
    await rm(stacksFile);
    const zen = await box.open();
    await expect(zen.listStacks()).rejects.toMatchObject({ code: "ZEN_STORE_MISSING", message: expect.stringContaining(stacksFile) });
    await expect(zen.registerComponent("orchestrator", "o3", "local", {})).rejects.toMatchObject({
      code: "ZEN_STORE_MISSING",
      hint: expect.stringMatching(/stacks\.yaml\.bak.*zen profile delete/s),
    });
    await expect(stat(stacksFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a truncated stacks.yaml that still parses: refused, its bytes unchanged", async () => {
    const { box, stacksFile } = await populated();
    const full = await readFile(stacksFile, "utf8");
    const truncated = full.slice(0, full.indexOf("\nstacks:") + 1);
    await writeFile(stacksFile, truncated);
    const zen = await box.open();
    await expect(zen.listStacks()).rejects.toMatchObject({
      code: "ZEN_CONFIG_MALFORMED",
      message: expect.stringMatching(/stacks\.yaml' is damaged: .*truncated/),
    });
    await expect(zen.registerComponent("orchestrator", "o3", "local", {})).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED" });
    expect(await readFile(stacksFile, "utf8")).toBe(truncated);
  });

  it("a profile whose store_url points at a missing directory is an error", async () => {
    box = await sandbox();
    const elsewhere = join(box.root, "elsewhere");
    const zen = await box.open();
    await zen.createProfile("p2", { url: elsewhere });
    await rm(elsewhere, { recursive: true });
    await zen.setActiveProfile("p2");
    const again = await box.open();
    await expect(again.listStacks()).rejects.toMatchObject({ code: "ZEN_STORE_MISSING", message: expect.stringContaining(join(elsewhere, "stacks.yaml")) });
    await expect(stat(elsewhere)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a 0-byte zen.db of a sql profile is refused, not given a fresh schema", async () => {
    box = await sandbox({ ZEN_DEFAULT_STORE_TYPE: "sql" });
    (await box.open()).close();
    const db = join(box.configDir, "profiles", "default", "zen.db");
    for (const extra of ["-wal", "-shm"]) await rm(db + extra, { force: true });
    await writeFile(db, "");
    const zen = await box.open();
    await expect(zen.listStacks()).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED", message: expect.stringContaining(db) });
    expect((await stat(db)).size).toBe(0);
  });

  it("a deleted zen.db is an error, and no database is created", async () => {
    box = await sandbox({ ZEN_DEFAULT_STORE_TYPE: "sql" });
    (await box.open()).close();
    const profileDir = join(box.configDir, "profiles", "default");
    for (const name of await readdir(profileDir)) if (name.startsWith("zen.db")) await rm(join(profileDir, name));
    const zen = await box.open();
    await expect(zen.registerComponent("orchestrator", "o3", "local", {})).rejects.toMatchObject({ code: "ZEN_STORE_MISSING" });
    expect((await readdir(profileDir)).filter((n) => n.startsWith("zen.db"))).toEqual([]);
  });

  it("a store being created starts empty; a creation that crashed leaving an empty database is completed", async () => {
    box = await sandbox({ ZEN_DEFAULT_STORE_TYPE: "sql" });
    const zen = await box.open();
    const leftover = join(box.configDir, "profiles", "p2");
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, "zen.db"), "");
    await zen.createProfile("p2");
    await zen.setActiveProfile("p2");
    expect((await (await box.open()).listStacks()).map((s) => s.name)).toEqual(["default"]);
  });

  it("keeps the previous stacks.yaml as a private .bak on every write", async () => {
    const { stacksFile } = await populated();
    const backup = await readFile(`${stacksFile}.bak`, "utf8");
    expect(backup).toContain("orchestrator:");
    expect(backup).not.toContain("o2:");
    expect((await stat(`${stacksFile}.bak`)).mode & 0o777).toBe(0o600);
  });

  it("the store API: `mustExist` refuses a missing store; without it a new store starts empty", async () => {
    dir = await tempDir();
    await expect(openStackStore("local", join(dir, "a"), { mustExist: true }).then((s) => s.read())).rejects.toMatchObject({ code: "ZEN_STORE_MISSING" });
    await expect(openStackStore("sql", join(dir, "b", "zen.db"), { mustExist: true })).rejects.toMatchObject({ code: "ZEN_STORE_MISSING" });
    expect(await readdir(dir)).toEqual([]);
    const fresh = await openStackStore("sql", join(dir, "c", "zen.db"));
    expect((await fresh.read()).stacks).toEqual([]);
    fresh.close();
    expect((await stat(join(dir, "c", "zen.db"))).mode & 0o777).toBe(0o600);
  });
});
