import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cleanAll } from "../src/config/clean.ts";
import { Zen } from "../src/zen/index.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { DEFAULT_COMPONENTS, sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

const FIRST_USE = [
  "Creating default profile...",
  "Initializing profile `default`...",
  "Initializing store...",
  "Registered stack component with type 'orchestrator' and name 'default'.",
  "Registered stack component with type 'metadata_store' and name 'default'.",
  "Registered stack component with type 'artifact_store' and name 'default'.",
  "Registered stack with name 'default'.",
  "Created and activated default profile.",
];

describe("first use on a fresh machine", () => {
  it("creates and activates the default profile with the default stack, and says so once", async () => {
    box = await sandbox();
    const zen = await box.open();
    expect(box.notices).toEqual(FIRST_USE);
    expect(zen.context).toEqual({
      configDir: box.configDir,
      repositoryRoot: undefined,
      profile: { name: "default", source: "global" },
      stack: { name: "default", source: "global" },
    });
    const [profile] = await zen.listProfiles();
    expect(profile).toEqual({
      name: "default",
      storeType: "local",
      storeUrl: pathToFileURL(join(box.configDir, "profiles", "default")).href,
      activeStack: "default",
      active: true,
    });
    const stack = await zen.describeStack();
    const artifactStore = stack.componentRecords.artifact_store!;
    expect(artifactStore.config).toEqual({ path: join(box.configDir, "local_stores", artifactStore.id) });
    expect(stack.componentRecords.metadata_store!.config).toEqual({
      uri: join(box.configDir, "local_stores", artifactStore.id, "metadata.db"),
    });
    expect((await stat(join(box.configDir, "local_stores", artifactStore.id))).isDirectory()).toBe(true);
    expect(stack.componentRecords.orchestrator).toMatchObject({ flavor: "local", config: {} });
    expect((await stat(join(box.configDir, "config.yaml"))).mode & 0o777).toBe(0o600);
    expect((await stat(box.configDir)).mode & 0o777).toBe(0o700);
    await box.open();
    expect(box.notices).toEqual(FIRST_USE);
  });

  it("creates the default profile exactly once when many commands start at once", async () => {
    box = await sandbox();
    const opened = await Promise.all(Array.from({ length: 10 }, () => box!.open()));
    expect(box.notices.filter((n) => n === "Created and activated default profile.")).toHaveLength(1);
    expect(await opened[9]!.listProfiles()).toHaveLength(1);
    expect((await opened[3]!.listStacks()).map((s) => s.name)).toEqual(["default"]);
  });

  it("honours ZEN_DEFAULT_STORE_TYPE=sql for the default profile", async () => {
    box = await sandbox({ ZEN_DEFAULT_STORE_TYPE: "sql" });
    const zen = await box.open();
    expect(await zen.describeProfile()).toMatchObject({
      storeType: "sql",
      storeUrl: `sqlite://${join(box.configDir, "profiles", "default", "zen.db")}`,
    });
    expect((await zen.listStacks()).map((s) => s.name)).toEqual(["default"]);
    zen.close();
  });

  it("refuses a malformed global config naming file and line, and leaves it untouched", async () => {
    box = await sandbox();
    await box.open();
    const file = join(box.configDir, "config.yaml");
    const broken = (await readFile(file, "utf8")).replace("profiles:", "profiles: [");
    await writeFile(file, broken);
    await expect(box.open()).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^Malformed YAML in '${file}' at line \\d+, column \\d+`)),
      hint: expect.stringContaining("left it untouched"),
    });
    expect(await readFile(file, "utf8")).toBe(broken);
  });

  it("refuses a config written by a newer zen", async () => {
    box = await sandbox();
    await box.open();
    const file = join(box.configDir, "config.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("format_version: 1", "format_version: 3"));
    await expect(box.open()).rejects.toMatchObject({ code: "ZEN_FORMAT_TOO_NEW", message: expect.stringContaining(file) });
  });
});

describe("profiles", () => {
  it("creates and sets profiles with isolated stacks, leaving the other profile untouched", async () => {
    box = await sandbox();
    let zen = await box.open();
    box.notices.length = 0;
    const created = await zen.createProfile("zenml");
    expect(box.notices).toEqual(FIRST_USE.slice(1, 7).map((n) => n.replace("`default`", "`zenml`")));
    expect(created).toMatchObject({ name: "zenml", storeType: "local", activeStack: "default", active: false });
    expect((await zen.listProfiles()).map((p) => [p.name, p.active])).toEqual([
      ["default", true],
      ["zenml", false],
    ]);
    await zen.setActiveProfile("zenml");
    expect(zen.context.profile).toEqual({ name: "zenml", source: "global" });
    await zen.registerStack("custom", { ...DEFAULT_COMPONENTS });
    await zen.setActiveStack("custom");
    zen = await box.open();
    expect(zen.context).toMatchObject({ profile: { name: "zenml" }, stack: { name: "custom", source: "global" } });
    expect((await zen.listProfiles()).map((p) => [p.name, p.activeStack])).toEqual([
      ["default", "default"],
      ["zenml", "custom"],
    ]);
    await zen.setActiveProfile("default");
    expect(zen.context.stack).toEqual({ name: "default", source: "global" });
    expect((await zen.listStacks()).map((s) => s.name)).toEqual(["default"]);
    // The components of the two profiles are independent records.
    const zenmlOrchestrator = (await (await box.open({ profile: "zenml" })).getComponent("orchestrator", "default")).id;
    expect((await zen.getComponent("orchestrator", "default")).id).not.toBe(zenmlOrchestrator);
  });

  it("creates an sql profile backed by SQLite with its own default stack", async () => {
    box = await sandbox();
    const zen = await box.open();
    const info = await zen.createProfile("db", { storeType: "sql" });
    expect(info.storeUrl).toBe(`sqlite://${join(box.configDir, "profiles", "db", "zen.db")}`);
    const inDb = await box.open({ profile: "db" });
    expect(inDb.context.profile).toEqual({ name: "db", source: "flag" });
    await inDb.registerStack("dev", { ...DEFAULT_COMPONENTS });
    expect((await inDb.listStacks()).map((s) => s.name)).toEqual(["default", "dev"]);
    inDb.close();
  });

  it("creates a profile at a given URL", async () => {
    box = await sandbox();
    const zen = await box.open();
    const dir = join(box.root, "elsewhere");
    const info = await zen.createProfile("custom-url", { storeType: "local", url: dir });
    expect(info.storeUrl).toBe(pathToFileURL(dir).href);
    expect((await stat(join(dir, "stacks.yaml"))).isFile()).toBe(true);
    // No driver package for mysql:// in this project: the error says which one to install.
    await expect(zen.createProfile("bad-url", { storeType: "sql", url: "mysql://host/db" })).rejects.toMatchObject({
      code: "ZEN_STORE_DRIVER_MISSING",
      hint: expect.stringContaining("@zen/integration-mysql"),
    });
  });

  it("infers the sql store type from a database URL, and local from a path", async () => {
    box = await sandbox();
    const zen = await box.open();
    const file = join(box.root, "team.db");
    const info = await zen.createProfile("by-url", { url: `sqlite://${file}` });
    expect(info).toMatchObject({ storeType: "sql", storeUrl: `sqlite://${file}` });
    expect((await stat(file)).isFile()).toBe(true);
    const local = await zen.createProfile("by-path", { url: join(box.root, "dir") });
    expect(local.storeType).toBe("local");
  });

  it("refuses duplicate and invalid profile names and unknown profiles, changing nothing", async () => {
    box = await sandbox();
    const zen = await box.open();
    const before = await box.files();
    await expect(zen.createProfile("default")).rejects.toMatchObject({ name: "ConflictError", message: "Profile 'default' already exists." });
    await expect(zen.createProfile("a/b")).rejects.toMatchObject({ name: "ValidationError" });
    await expect(zen.setActiveProfile("ghost")).rejects.toMatchObject({
      name: "NotFoundError",
      message: "Profile 'ghost' does not exist.",
      hint: "Available profiles: default. Create it with `zen profile create ghost`.",
    });
    await expect(zen.describeProfile("ghost")).rejects.toMatchObject({ name: "NotFoundError" });
    expect(await box.files()).toEqual(before);
  });

  it("refuses to delete the active profile, deletes another with its directory", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.createProfile("temp");
    await expect(zen.deleteProfile("default")).rejects.toMatchObject({
      name: "ConflictError",
      message: "Profile 'default' is the active profile (from the global config) and cannot be deleted.",
      hint: "Activate another profile first: `zen profile set <other>`.",
    });
    const viaEnv = await box.open({ env: { ...box.env, ZEN_PROFILE: "temp" } });
    await expect(viaEnv.deleteProfile("temp")).rejects.toMatchObject({ hint: expect.stringContaining("ZEN_PROFILE") });
    await expect(viaEnv.deleteProfile("default")).rejects.toMatchObject({
      message: "Profile 'default' is the global active profile and cannot be deleted.",
    });
    await zen.deleteProfile("temp");
    expect((await zen.listProfiles()).map((p) => p.name)).toEqual(["default"]);
    await expect(stat(join(box.configDir, "profiles", "temp"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(zen.deleteProfile("temp")).rejects.toMatchObject({ name: "NotFoundError" });
  });
});

describe("repositories and resolution", () => {
  it("zen init pins the effective profile and stack, and refuses an existing repository", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.createProfile("zenml");
    await zen.setActiveProfile("zenml");
    await zen.registerStack("custom", { ...DEFAULT_COMPONENTS });
    const result = await Zen.init(box.work, { env: box.env, stack: "custom" });
    expect(result).toEqual({ root: box.work, profile: "zenml", stack: "custom" });
    expect(await readFile(join(box.work, ".zen", "config.yaml"), "utf8")).toBe("format_version: 1\nactive_profile_name: zenml\nactive_stack_name: custom\n");
    expect((await stat(join(box.work, ".zen"))).mode & 0o777).toBe(0o700);
    await expect(Zen.init(box.work, { env: box.env })).rejects.toMatchObject({
      name: "ConflictError",
      message: `A zen repository already exists at '${box.work}'.`,
    });
    await expect(Zen.init(join(box.root, "other"), { env: box.env, stack: "ghost" })).rejects.toMatchObject({ name: "NotFoundError" });
    await expect(stat(join(box.root, "other", ".zen"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("applies repository settings inside the repository only, and never touches the global ones", async () => {
    box = await sandbox();
    const global = await box.open({ cwd: box.root });
    await global.createProfile("zenml");
    const inZenml = await box.open({ cwd: box.root, profile: "zenml" });
    await inZenml.registerStack("custom", { ...DEFAULT_COMPONENTS });
    await inZenml.setActiveStack("custom", { global: true });
    await Zen.init(box.work, { env: box.env });
    const globalBefore = await readFile(join(box.configDir, "config.yaml"), "utf8");

    const local = await box.open();
    expect(local.context).toMatchObject({
      repositoryRoot: box.work,
      profile: { name: "default", source: "repository" },
      stack: { name: "default", source: "repository" },
    });
    await local.setActiveProfile("zenml");
    expect(local.context.profile).toEqual({ name: "zenml", source: "repository" });
    expect(local.context.stack).toEqual({ name: "custom", source: "repository" });
    await local.setActiveStack("default");
    expect(local.context.stack).toEqual({ name: "default", source: "repository" });
    expect(await readFile(join(box.configDir, "config.yaml"), "utf8")).toBe(globalBefore);

    const sub = await box.open({ cwd: join(box.work) });
    expect(sub.context).toMatchObject({ profile: { name: "zenml" }, stack: { name: "default" } });
    const away = await Zen.open({ env: box.env, cwd: box.root });
    expect(away.context).toMatchObject({ repositoryRoot: undefined, profile: { name: "default", source: "global" } });

    // `global: true` inside the repository changes only the global config.
    const repoBefore = await readFile(join(box.work, ".zen", "config.yaml"), "utf8");
    await local.setActiveProfile("zenml", { global: true });
    expect(await readFile(join(box.work, ".zen", "config.yaml"), "utf8")).toBe(repoBefore);
    expect((await Zen.open({ env: box.env, cwd: box.root })).context.profile.name).toBe("zenml");
  });

  it("finds the repository from a subdirectory or at ZEN_REPOSITORY_PATH", async () => {
    box = await sandbox();
    await box.open();
    await Zen.init(box.work, { env: box.env });
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(box.work, "src", "deep"), { recursive: true });
    expect((await box.open({ cwd: join(box.work, "src", "deep") })).context.repositoryRoot).toBe(box.work);
    const elsewhere = await box.open({ cwd: box.root, env: { ...box.env, ZEN_REPOSITORY_PATH: box.work } });
    expect(elsewhere.context.repositoryRoot).toBe(box.work);
  });

  it("resolves flag > env > repository > global, and reports each source", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.createProfile("p2");
    await zen.registerStack("s2", { ...DEFAULT_COMPONENTS });
    await Zen.init(box.work, { env: box.env });
    const env = { ...box.env, ZEN_PROFILE: "p2", ZEN_STACK: "default" };
    const viaFlag = await box.open({ env, profile: "default", stack: "s2" });
    expect(viaFlag.context).toMatchObject({ profile: { name: "default", source: "flag" }, stack: { name: "s2", source: "flag" } });
    expect((await viaFlag.describeStack()).name).toBe("s2");
    const viaEnv = await box.open({ env });
    expect(viaEnv.context).toMatchObject({ profile: { name: "p2", source: "env" }, stack: { name: "default", source: "env" } });
    const viaRepo = await box.open();
    expect(viaRepo.context).toMatchObject({ profile: { source: "repository" }, stack: { source: "repository" } });
  });

  it("never falls back silently when a repository or env names a missing profile or stack", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerStack("temp", { ...DEFAULT_COMPONENTS });
    await Zen.init(box.work, { env: box.env, stack: "temp" });
    // Another shell deletes the stack this repository pins (it is not active there).
    const outside = await box.open({ cwd: box.root });
    await outside.deleteStack("temp");

    const inRepo = await box.open();
    await expect(inRepo.describeStack()).rejects.toMatchObject({
      name: "NotFoundError",
      message: "The active stack 'temp' (pinned by this repository) does not exist in profile 'default'.",
      hint: `The repository at '${box.work}' pins it: run \`zen stack set <stack>\` there (default).`,
    });
    await expect(inRepo.loadStack()).rejects.toMatchObject({ name: "NotFoundError" });
    await inRepo.setActiveStack("default"); // the fix works
    expect((await inRepo.describeStack()).name).toBe("default");

    const badProfile = await box.open({ env: { ...box.env, ZEN_PROFILE: "ghost" } });
    expect(badProfile.context.profile).toEqual({ name: "ghost", source: "env" });
    await expect(badProfile.listStacks()).rejects.toMatchObject({
      name: "NotFoundError",
      message: "Profile 'ghost' (from ZEN_PROFILE) does not exist.",
      hint: expect.stringContaining("ZEN_PROFILE names it"),
    });
    const badStack = await box.open({ env: { ...box.env, ZEN_STACK: "ghost" } });
    await expect(badStack.describeStack()).rejects.toMatchObject({ hint: expect.stringContaining("ZEN_STACK names it") });
    await expect(box.open({ env: { ...box.env, ZEN_REPOSITORY_PATH: box.root } })).rejects.toMatchObject({ name: "NotFoundError" });
  });
});

describe("zen clean", () => {
  it("removes the repository's .zen and the global config; the next command starts afresh", async () => {
    box = await sandbox();
    const zen = await box.open();
    await zen.registerStack("dev", { ...DEFAULT_COMPONENTS });
    await Zen.init(box.work, { env: box.env });
    const removed = await cleanAll({ cwd: box.work, env: box.env });
    expect(removed).toEqual(expect.arrayContaining([join(box.work, ".zen"), box.configDir, join(box.configDir, "profiles")]));
    await expect(stat(box.configDir)).rejects.toMatchObject({ code: "ENOENT" });
    box.notices.length = 0;
    const fresh = await box.open();
    expect(box.notices).toEqual(FIRST_USE);
    expect((await fresh.listStacks()).map((s) => s.name)).toEqual(["default"]);
  });

  it("never deletes a directory that holds no zen config", async () => {
    box = await sandbox();
    const notZen = join(box.root, "not-zen");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(notZen);
    await writeFile(join(notZen, "precious.txt"), "keep me");
    expect(await cleanAll({ cwd: box.root, env: { ZEN_CONFIG_PATH: notZen } })).toEqual([]);
    expect(await readFile(join(notZen, "precious.txt"), "utf8")).toBe("keep me");
  });
});
