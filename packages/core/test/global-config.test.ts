import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, stat, writeFile } from "node:fs/promises";
import { GlobalConfigFile } from "../src/config/global-config.ts";
import { globalConfigDir } from "../src/config/paths.ts";
import { parseYaml } from "../src/fs/yaml-file.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

let dir: string;
afterEach(async () => removeDir(dir));

describe("global config directory", () => {
  it("uses ZEN_CONFIG_PATH, resolved against cwd", () => {
    expect(globalConfigDir({ ZEN_CONFIG_PATH: "/x/y" })).toBe("/x/y");
    expect(globalConfigDir({ ZEN_CONFIG_PATH: "rel" }, "/base")).toBe("/base/rel");
  });

  it("falls back to the platform config dir named zen", () => {
    expect(globalConfigDir({})).toMatch(/[\\/]zen$/);
  });
});

describe("GlobalConfigFile", () => {
  it("reads nothing on a fresh machine and creates a versioned 0600 file on first update", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    expect(await file.read()).toBeUndefined();
    await file.update((config) => {
      config.profiles.default = { store_type: "local", store_url: "file:///x", active_stack: "default" };
      config.active_profile = "default";
    });
    const written = (await parseYaml(await readFile(file.file, "utf8"), file.file)) as Record<string, unknown>;
    expect(written).toMatchObject({
      format_version: 1,
      user_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      active_profile: "default",
      profiles: { default: { store_type: "local", store_url: "file:///x", active_stack: "default" } },
    });
    expect((await stat(file.file)).mode & 0o777).toBe(0o600);
    const again = await file.read();
    expect(again?.user_id).toBe(written.user_id);
  });

  it("serializes concurrent updates: none is lost", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        file.update((config) => {
          config.profiles[`p${i}`] = { store_type: "local", store_url: `file:///p${i}` };
        }),
      ),
    );
    expect(Object.keys((await file.read())!.profiles)).toHaveLength(15);
  });

  it("writes nothing when the change throws", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    await file.update((config) => void (config.active_profile = "a"));
    const before = await readFile(file.file, "utf8");
    await expect(
      file.update((config) => {
        config.active_profile = "b";
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await readFile(file.file, "utf8")).toBe(before);
  });

  it("reports malformed YAML with file and line and leaves the file untouched, also on update", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    const broken = "format_version: 1\nprofiles:\n  default: {store_type: local\n";
    await writeFile(file.file, broken);
    await expect(file.read()).rejects.toThrow(new RegExp(`Malformed YAML in '${file.file}' at line \\d+`));
    await expect(file.update((c) => void (c.active_profile = "x"))).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED" });
    expect(await readFile(file.file, "utf8")).toBe(broken);
  });

  it("names the field when the shape is wrong", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    await writeFile(file.file, "profiles:\n  default:\n    store_type: mongo\n    store_url: x\n");
    await expect(file.read()).rejects.toThrow(/profiles\.default\.store_type must be one of local, sql, found "mongo"/);
  });

  it("refuses a newer format version with a clear error and reads an unversioned (older) file", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    await writeFile(file.file, "format_version: 7\nprofiles: {}\n");
    await expect(file.read()).rejects.toMatchObject({
      code: "ZEN_FORMAT_TOO_NEW",
      message: expect.stringContaining("format version 7"),
      hint: expect.stringContaining("upgrade zen"),
    });
    await writeFile(file.file, "user_id: abc\nactive_profile: default\nprofiles:\n  default: {store_type: local, store_url: 'file:///p'}\n");
    expect(await file.read()).toMatchObject({ format_version: 1, user_id: "abc", active_profile: "default" });
  });

  it("keeps keys it does not know when rewriting", async () => {
    dir = await tempDir();
    const file = new GlobalConfigFile(dir);
    await writeFile(file.file, "format_version: 1\nuser_id: u\nanalytics_opt_in: false\nprofiles: {}\n");
    await file.update((c) => void (c.active_profile = "x"));
    expect(await readFile(file.file, "utf8")).toContain("analytics_opt_in: false");
  });
});
