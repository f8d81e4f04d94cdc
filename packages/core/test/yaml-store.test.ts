import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openStackStore } from "../src/store/open-store.ts";
import { YamlStackStore } from "../src/store/yaml-stack-store.ts";
import { sampleSnapshot, storeContract } from "./fixtures/config/store-contract.ts";
import { removeDir, tempDir } from "./fixtures/config/temp-dir.ts";

storeContract("local (YAML)", async (dir) => openStackStore("local", pathToFileURL(dir).href));

describe("YAML stack store file", () => {
  let dir: string | undefined;
  afterEach(async () => removeDir(dir));

  it("is one readable, versioned stacks.yaml, created 0600", async () => {
    dir = await tempDir();
    const store = new YamlStackStore(join(dir, "profiles", "default"));
    expect(store.url).toBe(pathToFileURL(join(dir, "profiles", "default")).href);
    await store.transact((draft) => Object.assign(draft, sampleSnapshot()));
    const text = await readFile(store.file, "utf8");
    expect(text.startsWith("format_version: 1\ncomponents:\n  orchestrator:\n    default:\n")).toBe(true);
    expect(text).toContain("stacks:\n  default:\n    id: s1\n    components:\n      orchestrator: default\n");
    expect(text).toContain("flavors:\n  artifact_store:\n    mine:\n      specifier: ./src/mine.ts#mine\n");
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it("reports malformed YAML with file and line, and a transaction leaves it untouched", async () => {
    dir = await tempDir();
    const store = new YamlStackStore(dir);
    const broken = "format_version: 1\nstacks:\n  default: {id: s1\n";
    await writeFile(store.file, broken);
    await expect(store.read()).rejects.toThrow(new RegExp(`Malformed YAML in '${store.file}' at line \\d+`));
    await expect(store.transact((d) => void (d.stacks = []))).rejects.toMatchObject({ code: "ZEN_CONFIG_MALFORMED" });
    expect(await readFile(store.file, "utf8")).toBe(broken);
  });

  it("names the field of a wrongly shaped entry", async () => {
    dir = await tempDir();
    const store = new YamlStackStore(dir);
    await writeFile(store.file, "format_version: 1\ncomponents:\n  orchestrator:\n    x: {flavor: local}\n");
    await expect(store.read()).rejects.toThrow(/components\.orchestrator\.x\.id must be a non-empty string, found nothing/);
    await writeFile(store.file, "components:\n  spaceship: {}\n");
    await expect(store.read()).rejects.toThrow(/components\.spaceship must be a component type/);
  });

  it("refuses a newer format version and reads an older, unversioned file", async () => {
    dir = await tempDir();
    const store = new YamlStackStore(dir);
    await writeFile(store.file, "format_version: 2\n");
    await expect(store.read()).rejects.toMatchObject({ code: "ZEN_FORMAT_TOO_NEW" });
    await writeFile(store.file, "stacks:\n  s: {id: '1', components: {}}\n");
    expect((await store.read()).stacks).toEqual([{ id: "1", name: "s", components: {} }]);
  });
});
