import { afterEach, describe, expect, it } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GlobalConfigFile } from "../src/config/global-config.ts";
import { validateName } from "../src/config/names.ts";
import { readRepositoryConfig, repositoryConfigFile, updateRepositoryConfig } from "../src/config/repository.ts";
import { resolveSettings } from "../src/config/resolution.ts";
import { readYamlMapping } from "../src/fs/yaml-file.ts";
import { YamlStackStore } from "../src/store/yaml-stack-store.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let dir: string | undefined;
let box: Sandbox | undefined;
afterEach(async () => {
  await removeDir(dir);
  await removeDir(box?.root);
  dir = box = undefined;
});

const PROTOTYPE_NAMES = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"];

describe("names that are Object.prototype keys", () => {
  it("are refused as names of every kind, by name", () => {
    for (const name of PROTOTYPE_NAMES) {
      for (const what of ["profile", "stack", "orchestrator"]) expect(() => validateName(what, name)).toThrow(`Invalid ${what} name "${name}"`);
    }
    expect(() => validateName("stack", "constructors")).not.toThrow();
  });

  it("are profiles that do not exist, in the config, the resolution and the facade", async () => {
    box = await sandbox();
    const zen = await box.open();
    const global = await new GlobalConfigFile(box.configDir).read();
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.hasOwn(global!.profiles, name)).toBe(false);
      expect(global!.profiles[name]).toBeUndefined();
      const resolved = resolveSettings({ flags: { profile: name }, env: {}, repository: undefined, global });
      expect(resolved.stack).toEqual({ name: "default", source: "default" });
      await expect(zen.setActiveProfile(name)).rejects.toMatchObject({ name: expect.stringMatching(/NotFoundError|ValidationError/), exitCode: 1 });
      // Never suggests creating a profile under a name that would be refused.
      await expect(zen.setActiveProfile(name)).rejects.toMatchObject({ hint: expect.not.stringContaining("zen profile create") });
      await expect(zen.deleteProfile(name)).rejects.toMatchObject({ name: expect.stringMatching(/NotFoundError|ValidationError/), exitCode: 1 });
      await expect(zen.createProfile(name)).rejects.toMatchObject({ code: "ZEN_INVALID" });
    }
    // Nothing was written for any of them.
    expect(Object.keys((await new GlobalConfigFile(box.configDir).read())!.profiles)).toEqual(["default"]);
  });

  it("in a hand-edited config or store are ordinary keys, kept through a rewrite", async () => {
    dir = await tempDir();
    const config = new GlobalConfigFile(dir);
    await writeFile(
      config.file,
      [
        "format_version: 1",
        "user_id: u",
        "profiles:",
        "  __proto__: {store_type: local, store_url: 'file:///a'}",
        "  constructor: {store_type: local, store_url: 'file:///b'}",
        "",
      ].join("\n"),
    );
    const read = (await config.read())!;
    expect(Object.keys(read.profiles).sort()).toEqual(["__proto__", "constructor"]);
    expect(read.profiles.constructor).toMatchObject({ store_url: "file:///b" });
    await config.update((c) => void (c.active_profile = "constructor"));
    expect(Object.keys((await readYamlMapping(config.file))!.profiles as object).sort()).toEqual(["__proto__", "constructor"]);

    const store = new YamlStackStore(dir);
    await store.transact((draft) => {
      draft.components.push({ id: "1", name: "__proto__", type: "orchestrator", flavor: "local", config: {} });
    });
    expect((await store.read()).components.map((c) => c.name)).toEqual(["__proto__"]);
  });
});

describe(".zen/config.yaml", () => {
  it("keeps keys zen does not know when zen rewrites it", async () => {
    dir = await tempDir();
    await updateRepositoryConfig(dir, (c) => void (c.active_stack_name = "a"));
    const file = repositoryConfigFile(dir);
    await writeFile(file, `${await readFile(file, "utf8")}team: ml\nnotes: {owner: me}\n`);
    await updateRepositoryConfig(dir, (c) => void (c.active_stack_name = "b"));
    expect(await readYamlMapping(file)).toEqual({ format_version: 1, active_stack_name: "b", team: "ml", notes: { owner: "me" } });
    expect(await readRepositoryConfig(dir)).toEqual({ active_profile_name: undefined, active_stack_name: "b" });
  });
});

describe("YAML alias bombs", () => {
  const BOMB = [
    "format_version: 1",
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "",
  ].join("\n");

  it("are refused as malformed, naming the file and the line, in every config file zen reads", async () => {
    dir = await tempDir();
    const global = new GlobalConfigFile(dir);
    await writeFile(global.file, BOMB);
    await expect(global.read()).rejects.toMatchObject({
      code: "ZEN_CONFIG_MALFORMED",
      message: expect.stringMatching(new RegExp(`'${global.file}' at line 3: too many alias references`)),
    });
    const store = new YamlStackStore(dir);
    await writeFile(store.file, BOMB);
    await expect(store.read()).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED", message: expect.stringContaining(store.file) });
    await expect(store.transact(() => {})).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED" });
    expect(await readFile(store.file, "utf8")).toBe(BOMB);
  });

  it("a few aliases are still fine", async () => {
    dir = await tempDir();
    await writeFile(join(dir, "x.yaml"), "a: &x {k: 1}\nb: *x\n");
    expect(await readYamlMapping(join(dir, "x.yaml"))).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });
});
