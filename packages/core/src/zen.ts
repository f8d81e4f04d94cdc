/**
 * `Zen`: the facade the CLI and users' scripts call (ZenApi). It resolves the effective profile and
 * stack once (flag > env > repository > global > default), opens the profile's store lazily, and
 * validates every change fully before committing it atomically; on bad input it throws a ZenError
 * with a hint and changes nothing.
 */
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { componentType, type ComponentType } from "./component-types.ts";
import type { BaseSecretsManager } from "./components/secrets-manager.ts";
import type { Notice } from "./config/default-stack.ts";
import { GlobalConfigFile, type GlobalConfig, type ProfileEntry } from "./config/global-config.ts";
import { validateName } from "./config/names.ts";
import { globalConfigDir, type Env } from "./config/paths.ts";
import {
  createProfile as createProfileEntry,
  ensureDefaultProfile,
  openProfileStore,
  profileNotFound,
  removeProfile,
} from "./config/profiles.ts";
import {
  findRepositoryRoot,
  isRepositoryRoot,
  readRepositoryConfig,
  REPOSITORY_DIR,
  updateRepositoryConfig,
  type RepositoryConfig,
} from "./config/repository.ts";
import { resolveSettings, type Resolution } from "./config/resolution.ts";
import type { DiscoveryProblem, FlavorInfo } from "./discovery/flavor-info.ts";
import type { DiscoveryReport } from "./discovery/report.ts";
import type { FlavorRegistry } from "./discovery/flavor-registry-api.ts";
// Static: a warm registry is a few stats and one JSON read, and it shares the facade's start-up chunk.
import { createFlavorRegistry } from "./discovery/registry.ts";
import { ConflictError, NotFoundError, ValidationError, ZenError } from "./errors.ts";
import type { Flavor, StackIssue } from "./flavor.ts";
import type { LoadedStack } from "./stack.ts";
import type { StackComponent } from "./stack-component.ts";
import {
  assertValidStack,
  capitalize,
  checkFlavors,
  componentNotFound,
  findComponent,
  invalidStackError,
  label,
  normalizeComponents,
  resolveComponents,
  stackIssues,
  stackNotFound,
  withArticle,
  type FlavorLoader,
  type InstallCommand,
} from "./stack-validation.ts";
import { buildStackExport, mergeComponents, readStackExport, type ImportedComponent, type IncomingComponent } from "./stack-transfer.ts";
import type { ComponentRecord, CustomFlavorRecord, StackRecord, StackStore, StoreSnapshot, StoreType } from "./store/records.ts";
import type {
  ProfileInfo,
  ResolvedSetting,
  StackDescription,
  StackExport,
  ZenApi,
  ZenContextInfo,
  ZenOptions,
} from "./zen-api.ts";

export interface ZenOpenOptions extends ZenOptions {
  /** Root of the installed @zen/cli: packages installed next to it are flavor candidates too. */
  cliRoot?: string | undefined;
}

/** What `zen init` pinned. */
export interface InitResult {
  root: string;
  profile: string;
  stack: string;
}

interface ZenState {
  cwd: string;
  env: Env;
  flags: { profile?: string | undefined; stack?: string | undefined };
  notice: Notice;
  cliRoot: string | undefined;
  configDir: string;
  globalFile: GlobalConfigFile;
  global: GlobalConfig | undefined;
  repositoryRoot: string | undefined;
  repository: RepositoryConfig | undefined;
}

const SOURCE_WORDS: Record<ResolvedSetting["source"], string> = {
  flag: "from the command-line flag",
  env: "from the environment",
  repository: "pinned by this repository",
  global: "from the global config",
  default: "by default",
};

function now(): string {
  return new Date().toISOString();
}

// Synchronous: walking up the tree awaits no thread-pool round trip per directory.
function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** Nearest directory at or above `dir` with a package.json: the user's project. */
function findProjectRoot(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    if (exists(join(current, "package.json"))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export class Zen implements ZenApi {
  #state: ZenState;
  #resolution: Resolution;
  readonly #stores = new Map<string, Promise<StackStore>>();
  readonly #registries = new Map<string, Promise<FlavorRegistry>>();
  readonly #flavors = new Map<string, Promise<Flavor>>();
  #projectRoot: { dir: string | undefined } | undefined;

  private constructor(state: ZenState) {
    this.#state = state;
    this.#resolution = resolveSettings({ flags: state.flags, env: state.env, repository: state.repository, global: state.global });
  }

  /**
   * Reads the configuration (creating the default profile on a fresh machine) and resolves the
   * effective profile and stack. Their existence is checked when they are used, so that commands
   * that fix a bad setting (`zen profile set`, `zen stack set`) still work.
   */
  static async open(options: ZenOpenOptions = {}): Promise<Zen> {
    const env = options.env ?? process.env;
    const cwd = resolve(options.cwd ?? process.cwd());
    const configDir = globalConfigDir(env, cwd);
    const globalFile = new GlobalConfigFile(configDir);
    const notice = options.onNotice ?? (() => {});
    const global = await ensureDefaultProfile(globalFile, env, notice);
    const repositoryRoot = await findRepositoryRoot(cwd, env);
    const repository = repositoryRoot ? await readRepositoryConfig(repositoryRoot) : undefined;
    return new Zen({
      cwd,
      env,
      flags: { profile: options.profile, stack: options.stack },
      notice,
      cliRoot: options.cliRoot,
      configDir,
      globalFile,
      global,
      repositoryRoot,
      repository,
    });
  }

  /**
   * `zen init`: makes `dir` a repository pinning the profile and stack in effect there now (after
   * checking both exist). Refuses an existing repository.
   */
  static async init(dir: string, options: ZenOpenOptions = {}): Promise<InitResult> {
    const env = { ...(options.env ?? process.env) };
    const root = resolve(options.cwd ?? process.cwd(), dir);
    const alreadyRepository = () =>
      new ConflictError(`A zen repository already exists at '${root}'.`, {
        hint: "Its settings are in .zen/config.yaml; change them there with `zen profile set` and `zen stack set`.",
      });
    if (isRepositoryRoot(root)) throw alreadyRepository();
    // ZEN_REPOSITORY_PATH naming the directory being initialised must not fail the lookup.
    if (env.ZEN_REPOSITORY_PATH && resolve(root, env.ZEN_REPOSITORY_PATH) === root) delete env.ZEN_REPOSITORY_PATH;
    await mkdir(root, { recursive: true });
    const zen = await Zen.open({ ...options, env, cwd: root });
    try {
      const { profile, stack } = zen.context;
      await zen.stackRecord(); // the effective profile and stack must exist before they are pinned
      try {
        await mkdir(join(root, REPOSITORY_DIR), { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") throw alreadyRepository();
        throw error;
      }
      await updateRepositoryConfig(root, (config) => {
        config.active_profile_name = profile.name;
        config.active_stack_name = stack.name;
      });
      return { root, profile: profile.name, stack: stack.name };
    } finally {
      zen.close();
    }
  }

  get context(): ZenContextInfo {
    return {
      configDir: this.#state.configDir,
      repositoryRoot: this.#state.repositoryRoot,
      profile: { ...this.#resolution.profile },
      stack: { ...this.#resolution.stack },
    };
  }

  /** Closes open stores (SQLite connections). The instance may be used again afterwards. */
  close(): void {
    for (const store of this.#stores.values()) void store.then((s) => s.close(), () => {});
    this.#stores.clear();
  }

  // ── configuration plumbing ─────────────────────────────────────────────────

  /** Re-reads the global and repository config after a change, so `context` stays truthful. */
  private async refresh(): Promise<void> {
    const global = await this.#state.globalFile.read();
    const repository = this.#state.repositoryRoot ? await readRepositoryConfig(this.#state.repositoryRoot) : undefined;
    this.#state = { ...this.#state, global, repository };
    this.#resolution = resolveSettings({ flags: this.#state.flags, env: this.#state.env, repository, global });
  }

  private projectRoot(): string | undefined {
    this.#projectRoot ??= { dir: findProjectRoot(this.#state.cwd) };
    return this.#projectRoot.dir;
  }

  /** Where custom flavor specifiers are resolved from: the repository root, else the project root, else cwd. */
  private flavorRoot(): string {
    return this.#state.repositoryRoot ?? this.projectRoot() ?? this.#state.cwd;
  }

  private profileEntry(name: string = this.#resolution.profile.name): ProfileEntry {
    const entry = this.#state.global?.profiles[name];
    if (entry) return entry;
    const setting = this.#resolution.profile;
    if (name !== setting.name) throw profileNotFound(name, this.#state.global);
    const names = Object.keys(this.#state.global?.profiles ?? {});
    const choices = names.length > 0 ? names.join(", ") : "none yet";
    const create = `create it with \`zen profile create ${name}\``;
    const hints: Record<ResolvedSetting["source"], string> = {
      flag: `Pass an existing profile to --profile (${choices}), or ${create}.`,
      env: `ZEN_PROFILE names it: set it to an existing profile (${choices}) or unset it, or ${create}.`,
      repository: `The repository at '${this.#state.repositoryRoot}' pins it: run \`zen profile set <profile>\` there (${choices}), or ${create}.`,
      global: `The global config names it: run \`zen profile set --global <profile>\` (${choices}), or ${create}.`,
      default: `Run \`zen profile set --global <profile>\` (${choices}), or ${create}.`,
    };
    return throwNotFound(`Profile '${name}' (${SOURCE_WORDS[setting.source]}) does not exist.`, hints[setting.source]);
  }

  private store(profile: string = this.#resolution.profile.name): Promise<StackStore> {
    let store = this.#stores.get(profile);
    if (!store) {
      const entry = this.profileEntry(profile);
      store = openProfileStore(entry);
      store.catch(() => this.#stores.delete(profile));
      this.#stores.set(profile, store);
    }
    return store;
  }

  private async snapshot(profile?: string): Promise<StoreSnapshot> {
    return (await this.store(profile)).read();
  }

  private registry(profile: string = this.#resolution.profile.name, customFlavors?: readonly CustomFlavorRecord[]): Promise<FlavorRegistry> {
    const key = customFlavors ? `${profile}\0${JSON.stringify(customFlavors)}` : profile;
    let registry = this.#registries.get(key);
    if (!registry) {
      registry = (async () => {
        const flavors = customFlavors ?? (await this.snapshot(profile)).flavors;
        return createFlavorRegistry({
          projectRoot: this.projectRoot(),
          cliRoot: this.#state.cliRoot,
          customFlavors: flavors,
          cacheDir: join(this.#state.configDir, "cache"),
          env: this.#state.env,
          onWarning: this.#state.notice,
        });
      })();
      registry.catch(() => this.#registries.delete(key));
      this.#registries.set(key, registry);
    }
    return registry;
  }

  private forgetRegistries(): void {
    this.#registries.clear();
    this.#flavors.clear();
  }

  private flavorLoader(profile: string = this.#resolution.profile.name): FlavorLoader {
    // Start building the registry now, before the caller opens a store transaction: building it reads
    // the store, and a read queued behind the open transaction would wait for it forever (sql store).
    const registry = this.registry(profile);
    registry.catch(() => {});
    return (type, name, pkg) => {
      const key = `${profile}\0${type}\0${name}`;
      let flavor = this.#flavors.get(key);
      if (!flavor) {
        flavor = registry.then((r) => r.load(type, name, { package: pkg }));
        flavor.catch(() => this.#flavors.delete(key));
        this.#flavors.set(key, flavor);
      }
      return flavor;
    };
  }

  /** The npm package a flavor comes from (undefined for built-in and custom flavors). */
  private async flavorPackage(type: ComponentType, flavor: string, profile?: string): Promise<string | undefined> {
    const source = (await (await this.registry(profile)).find(type, flavor))?.source;
    return source?.kind === "package" ? source.package : undefined;
  }

  /** Resolves the install command for the project's package manager (needs a file lookup, so done once before validation). */
  private async prepareInstallCommand(): Promise<InstallCommand> {
    const projectRoot = this.projectRoot();
    const { detectPackageManager, installCommand } = await import("./discovery/unknown-flavor.ts");
    const manager = detectPackageManager(projectRoot);
    return (packages) => installCommand(manager, packages.join(" "), projectRoot === undefined);
  }

  /** The effective stack's record (or the named one) — with a fix-it hint naming where the name came from. */
  private async stackRecord(name?: string, snapshot?: StoreSnapshot): Promise<{ stack: StackRecord; snapshot: StoreSnapshot }> {
    const snap = snapshot ?? (await this.snapshot());
    const wanted = name ?? this.#resolution.stack.name;
    const stack = snap.stacks.find((s) => s.name === wanted);
    if (stack) return { stack, snapshot: snap };
    if (name !== undefined && name !== this.#resolution.stack.name) throw stackNotFound(snap, wanted);
    const setting = this.#resolution.stack;
    const profile = this.#resolution.profile.name;
    const available = snap.stacks.map((s) => s.name);
    const choices = available.length > 0 ? available.join(", ") : "none registered";
    const hints: Record<ResolvedSetting["source"], string> = {
      flag: `Pass an existing stack of profile '${profile}' to --stack (${choices}).`,
      env: `ZEN_STACK names it: set it to a stack of profile '${profile}' (${choices}) or unset it.`,
      repository: `The repository at '${this.#state.repositoryRoot}' pins it: run \`zen stack set <stack>\` there (${choices}).`,
      global: `Run \`zen stack set --global <stack>\` (${choices}).`,
      default: `Run \`zen stack set --global <stack>\` (${choices}).`,
    };
    return throwNotFound(
      `The active stack '${wanted}' (${SOURCE_WORDS[setting.source]}) does not exist in profile '${profile}'.`,
      hints[setting.source],
    );
  }

  private describe(stack: StackRecord, snapshot: StoreSnapshot, profileName = this.#resolution.profile.name): StackDescription {
    const { records } = resolveComponents(snapshot, stack);
    const active = profileName === this.#resolution.profile.name && stack.name === this.#resolution.stack.name;
    return { ...structuredClone(stack), active, componentRecords: structuredClone(records) };
  }

  // ── components ─────────────────────────────────────────────────────────────

  async listComponents(type: ComponentType): Promise<ComponentRecord[]> {
    componentType(type);
    return (await this.snapshot()).components.filter((c) => c.type === type);
  }

  async getComponent(type: ComponentType, name?: string): Promise<ComponentRecord> {
    const info = componentType(type);
    const snapshot = await this.snapshot();
    if (name !== undefined) {
      const record = findComponent(snapshot, type, name);
      if (!record) throw componentNotFound(snapshot, type, name);
      return record;
    }
    const { stack } = await this.stackRecord(undefined, snapshot);
    const active = stack.components[type];
    if (!active) {
      throw new NotFoundError(`The active stack '${stack.name}' has no ${info.displayName}.`, {
        hint: `Add one with \`zen stack update ${stack.name} --${info.longOption} <name>\`, or name the ${info.displayName} explicitly.`,
      });
    }
    const record = findComponent(snapshot, type, active);
    if (!record) throw componentNotFound(snapshot, type, active);
    return record;
  }

  async registerComponent(type: ComponentType, name: string, flavorName: string, raw: Record<string, unknown>): Promise<ComponentRecord> {
    const info = componentType(type);
    validateName(info.displayName, name);
    const store = await this.store();
    const taken = (snapshot: StoreSnapshot) => {
      if (findComponent(snapshot, type, name)) {
        throw new ConflictError(`${capitalize(withArticle(info.displayName))} named '${name}' already exists.`, {
          hint: `Choose another name, or change its configuration with \`zen ${info.cliGroup} update ${name} --key=value\`.`,
        });
      }
    };
    taken(await store.read());
    const flavor = await this.flavorLoader()(type, flavorName);
    const { parseComponentConfig } = await import("./config-values.ts");
    const config = parseComponentConfig(flavor, raw);
    const pkg = await this.flavorPackage(type, flavorName);
    return store.transact((draft) => {
      taken(draft);
      const at = now();
      const record: ComponentRecord = {
        id: crypto.randomUUID(),
        name,
        type,
        flavor: flavorName,
        config,
        ...(pkg ? { package: pkg } : {}),
        createdAt: at,
        updatedAt: at,
      };
      draft.components.push(record);
      return structuredClone(record);
    });
  }

  async updateComponent(type: ComponentType, name: string, raw: Record<string, unknown>): Promise<ComponentRecord> {
    componentType(type);
    const store = await this.store();
    const preview = await store.read();
    const existing = findComponent(preview, type, name);
    if (!existing) throw componentNotFound(preview, type, name);
    const load = this.flavorLoader();
    const flavor = await load(type, existing.flavor, existing.package);
    const { parseComponentConfig } = await import("./config-values.ts");
    const config = parseComponentConfig(flavor, raw, existing.config);
    const install = await this.prepareInstallCommand();
    return store.transact(async (draft) => {
      const record = findComponent(draft, type, name);
      if (!record) throw componentNotFound(draft, type, name);
      record.config = config;
      record.updatedAt = now();
      // The change must keep every stack that uses the component valid (flavors' cross-component rules).
      for (const stack of draft.stacks.filter((s) => s.components[type] === name)) {
        await assertValidStack(draft, stack, load, install, "update");
      }
      return structuredClone(record);
    });
  }

  async renameComponent(type: ComponentType, name: string, newName: string): Promise<ComponentRecord> {
    const info = componentType(type);
    validateName(info.displayName, newName);
    return (await this.store()).transact((draft) => {
      const record = findComponent(draft, type, name);
      if (!record) throw componentNotFound(draft, type, name);
      if (newName === name) return structuredClone(record);
      if (findComponent(draft, type, newName)) {
        throw new ConflictError(`Cannot rename ${label(type, name)} to '${newName}': ${withArticle(info.displayName)} with that name already exists.`, {
          hint: "Choose a different name.",
        });
      }
      record.name = newName;
      record.updatedAt = now();
      for (const stack of draft.stacks) if (stack.components[type] === name) stack.components[type] = newName;
      return structuredClone(record);
    });
  }

  async deleteComponent(type: ComponentType, name: string): Promise<void> {
    const info = componentType(type);
    await (await this.store()).transact((draft) => {
      const record = findComponent(draft, type, name);
      if (!record) throw componentNotFound(draft, type, name);
      const users = draft.stacks.filter((s) => s.components[type] === name).map((s) => s.name);
      if (users.length > 0) {
        const first = users[0]!;
        throw new ConflictError(
          `Cannot delete ${label(type, name)}: it is part of ${users.length > 1 ? "stacks" : "stack"} ${users.map((u) => `'${u}'`).join(", ")}.`,
          {
            hint: info.required
              ? `Give ${users.length > 1 ? "those stacks" : "the stack"} another ${info.displayName} first (\`zen stack update ${first} -${info.shortOption} <other>\`) or delete ${users.length > 1 ? "them" : "it"} (\`zen stack delete ${first}\`).`
              : `Remove it from ${users.length > 1 ? "those stacks" : "the stack"} first (\`zen stack remove-component ${first} -${info.shortOption}\`) or delete ${users.length > 1 ? "them" : "it"} (\`zen stack delete ${first}\`).`,
          },
        );
      }
      draft.components.splice(draft.components.indexOf(record), 1);
    });
  }

  // ── flavors ────────────────────────────────────────────────────────────────

  async listFlavors(type?: ComponentType): Promise<FlavorInfo[]> {
    return (await this.registry()).list(type);
  }

  /** The full discovery report, rediscovered without the cache (`zen doctor`). */
  async discoveryReport(): Promise<DiscoveryReport> {
    const { discoveryReport } = await import("./discovery/report.ts");
    return discoveryReport({
      projectRoot: this.projectRoot(),
      cliRoot: this.#state.cliRoot,
      cacheDir: join(this.#state.configDir, "cache"),
      fresh: true,
    });
  }

  async discoveryProblems(): Promise<DiscoveryProblem[]> {
    return (await this.registry()).problems();
  }

  async registerCustomFlavor(type: ComponentType, specifier: string): Promise<FlavorInfo> {
    const info = componentType(type);
    const root = this.flavorRoot();
    // Import it now: a bad module is refused with the real error, and nothing is stored.
    const { loadCustomFlavor } = await import("./discovery/custom-flavor.ts");
    const flavor = await loadCustomFlavor({ type, specifier, root });
    const record: CustomFlavorRecord = { type, name: flavor.name, specifier, root };
    const store = await this.store();
    const current = (await store.read()).flavors.filter((f) => !(f.type === type && f.name === flavor.name));
    // The registry must accept and load it with the record in place (precedence, duplicates).
    const registry = await this.registry(this.#resolution.profile.name, [...current, record]);
    await registry.load(type, flavor.name);
    const found = await registry.find(type, flavor.name);
    const previous = await store.transact((draft) => {
      const index = draft.flavors.findIndex((f) => f.type === type && f.name === flavor.name);
      const before = index >= 0 ? draft.flavors[index] : undefined;
      if (before) draft.flavors[index] = record;
      else draft.flavors.push(record);
      return before;
    });
    if (previous && (previous.specifier !== specifier || previous.root !== root)) {
      this.#state.notice(`Replaced the custom ${info.displayName} flavor '${flavor.name}' (was ${previous.specifier} from ${previous.root}).`);
    }
    this.forgetRegistries();
    return found ?? (await this.registry()).find(type, flavor.name).then((f) => f!);
  }

  // ── stacks ─────────────────────────────────────────────────────────────────

  async listStacks(): Promise<StackDescription[]> {
    const snapshot = await this.snapshot();
    return snapshot.stacks.map((stack) => this.describe(stack, snapshot));
  }

  async describeStack(name?: string): Promise<StackDescription> {
    const { stack, snapshot } = await this.stackRecord(name);
    return this.describe(stack, snapshot);
  }

  async registerStack(name: string, components: Partial<Record<ComponentType, string>>): Promise<StackRecord> {
    validateName("stack", name);
    const chosen = normalizeComponents(components) as Partial<Record<ComponentType, string>>;
    const store = await this.store();
    const taken = (snapshot: StoreSnapshot) => {
      if (snapshot.stacks.some((s) => s.name === name)) {
        throw new ConflictError(`A stack named '${name}' already exists.`, {
          hint: `Choose another name, or change its components with \`zen stack update ${name}\`.`,
        });
      }
    };
    const at = now();
    const record: StackRecord = { id: crypto.randomUUID(), name, components: chosen, createdAt: at, updatedAt: at };
    const load = this.flavorLoader();
    const install = await this.prepareInstallCommand();
    // Validate before taking the lock (flavor imports can be slow), then again on the fresh snapshot.
    const preview = await store.read();
    taken(preview);
    await assertValidStack(preview, record, load, install, "register");
    return store.transact(async (draft) => {
      taken(draft);
      await assertValidStack(draft, record, load, install, "register");
      draft.stacks.push(record);
      return structuredClone(record);
    });
  }

  async updateStack(name: string, changes: Partial<Record<ComponentType, string | null>>): Promise<StackRecord> {
    const normalized = normalizeComponents(changes);
    for (const [type, value] of Object.entries(normalized)) {
      const info = componentType(type as ComponentType);
      if (value === null && info.required) {
        throw new ValidationError(`A stack cannot be without its ${info.displayName}.`, {
          hint: `Replace it instead: \`zen stack update ${name} -${info.shortOption} <${info.cliGroup}>\`.`,
        });
      }
    }
    const store = await this.store();
    const load = this.flavorLoader();
    const install = await this.prepareInstallCommand();
    const apply = async (snapshot: StoreSnapshot): Promise<StackRecord> => {
      const stack = snapshot.stacks.find((s) => s.name === name);
      if (!stack) throw stackNotFound(snapshot, name);
      for (const [type, value] of Object.entries(normalized)) {
        if (value === null) delete stack.components[type as ComponentType];
        else stack.components[type as ComponentType] = value;
      }
      stack.updatedAt = now();
      await assertValidStack(snapshot, stack, load, install, "update");
      return stack;
    };
    await apply(structuredClone(await store.read()));
    return store.transact(async (draft) => structuredClone(await apply(draft)));
  }

  async renameStack(name: string, newName: string): Promise<StackRecord> {
    validateName("stack", newName);
    const profile = this.#resolution.profile.name;
    const renamed = await (await this.store()).transact((draft) => {
      const stack = draft.stacks.find((s) => s.name === name);
      if (!stack) throw stackNotFound(draft, name);
      if (newName === name) return structuredClone(stack);
      if (draft.stacks.some((s) => s.name === newName)) {
        throw new ConflictError(`Cannot rename stack '${name}' to '${newName}': a stack with that name already exists.`, {
          hint: "Choose a different name.",
        });
      }
      stack.name = newName;
      stack.updatedAt = now();
      return structuredClone(stack);
    });
    if (newName === name) return renamed;
    // Settings that pointed at the old name follow the rename (flags and env vars are the user's to change).
    if (this.#state.global?.profiles[profile]?.active_stack === name) {
      await this.#state.globalFile.update((config) => {
        const entry = config.profiles[profile];
        if (entry?.active_stack === name) entry.active_stack = newName;
      });
    }
    const root = this.#state.repositoryRoot;
    if (root && this.repositoryPins(profile, name)) {
      await updateRepositoryConfig(root, (config) => {
        if (config.active_stack_name === name) config.active_stack_name = newName;
      });
    }
    await this.refresh();
    return renamed;
  }

  /** Whether the repository's config pins `stack` for `profile`. */
  private repositoryPins(profile: string, stack: string): boolean {
    const repository = this.#state.repository;
    if (!repository || repository.active_stack_name !== stack) return false;
    const repositoryProfile = repository.active_profile_name ?? this.#state.global?.active_profile ?? "default";
    return repositoryProfile === profile;
  }

  async deleteStack(name: string): Promise<void> {
    const profile = this.#resolution.profile.name;
    const snapshot = await this.snapshot();
    if (!snapshot.stacks.some((s) => s.name === name)) throw stackNotFound(snapshot, name);
    const stackSetting = this.#resolution.stack;
    if (stackSetting.name === name) {
      const hints: Record<ResolvedSetting["source"], string> = {
        flag: "It was chosen with --stack; choose another stack to work with before deleting this one.",
        env: "ZEN_STACK names it: point ZEN_STACK at another stack or unset it first.",
        repository: "Activate another stack in this repository first: `zen stack set <other>`.",
        global: `Activate another stack first: \`zen stack set ${this.#state.repositoryRoot ? "--global " : ""}<other>\`.`,
        default: `Activate another stack first: \`zen stack set ${this.#state.repositoryRoot ? "--global " : ""}<other>\`.`,
      };
      throw new ConflictError(`Stack '${name}' is the active stack (${SOURCE_WORDS[stackSetting.source]}) and cannot be deleted.`, {
        hint: hints[stackSetting.source],
      });
    }
    if (this.#state.global?.profiles[profile]?.active_stack === name) {
      throw new ConflictError(`Stack '${name}' is the global active stack of profile '${profile}' and cannot be deleted.`, {
        hint: `Choose another global active stack first: \`zen stack set --global <other>\`.`,
      });
    }
    if (this.repositoryPins(profile, name)) {
      throw new ConflictError(`Stack '${name}' is the active stack of the repository at '${this.#state.repositoryRoot}' and cannot be deleted.`, {
        hint: "Run `zen stack set <other>` in that repository first.",
      });
    }
    await (await this.store()).transact((draft) => {
      const index = draft.stacks.findIndex((s) => s.name === name);
      if (index < 0) throw stackNotFound(draft, name);
      draft.stacks.splice(index, 1);
    });
  }

  async setActiveStack(name: string, options: { global?: boolean } = {}): Promise<void> {
    const profile = this.#resolution.profile.name;
    const snapshot = await this.snapshot();
    if (!snapshot.stacks.some((s) => s.name === name)) throw stackNotFound(snapshot, name);
    const root = this.#state.repositoryRoot;
    if (root && !options.global) {
      // Only the repository changes (never also the global setting: ZenML bug §11.15). The profile is
      // written too, so the pinned stack always belongs to the pinned profile.
      await updateRepositoryConfig(root, (config) => {
        config.active_profile_name = profile;
        config.active_stack_name = name;
      });
    } else {
      await this.#state.globalFile.update((config) => {
        const entry = config.profiles[profile];
        if (!entry) throw profileNotFound(profile, config);
        entry.active_stack = name;
      });
    }
    await this.refresh();
  }

  async copyStack(name: string, newName: string, options: { toProfile?: string | undefined } = {}): Promise<StackRecord> {
    validateName("stack", newName);
    const fromProfile = this.#resolution.profile.name;
    const toProfile = options.toProfile ?? fromProfile;
    if (toProfile !== fromProfile) this.profileEntry(toProfile);
    const { stack, snapshot } = await this.stackRecord(name);
    const { records, unknown } = resolveComponents(snapshot, stack);
    if (unknown[0]) throw unknown[0];
    const incoming: IncomingComponent[] = Object.values(records).map((r) => ({
      type: r.type,
      name: r.name,
      flavor: r.flavor,
      config: r.config,
      ...(r.package ? { package: r.package } : {}),
      ...(toProfile !== fromProfile ? { id: r.id } : {}),
    }));
    // Custom flavors the stack uses travel with it, unless the target profile has its own of that name.
    const customFlavors = snapshot.flavors.filter((f) => Object.values(records).some((r) => r.type === f.type && r.flavor === f.name));
    const target = await this.store(toProfile);
    const load = this.flavorLoader(toProfile);
    const install = await this.prepareInstallCommand();
    const copied = await target.transact(async (draft) => {
      if (draft.stacks.some((s) => s.name === newName)) {
        throw new ConflictError(`A stack named '${newName}' already exists${toProfile !== fromProfile ? ` in profile '${toProfile}'` : ""}.`, {
          hint: "Choose another name for the copy.",
        });
      }
      const addedFlavors = customFlavors.filter((f) => !draft.flavors.some((g) => g.type === f.type && g.name === f.name));
      draft.flavors.push(...addedFlavors);
      const at = now();
      const components = mergeComponents(draft, incoming, { kind: "rename", suffix: newName }, at);
      const record: StackRecord = { id: crypto.randomUUID(), name: newName, components, createdAt: at, updatedAt: at };
      if (addedFlavors.length > 0) this.#registries.delete(toProfile);
      const targetLoad: FlavorLoader =
        addedFlavors.length > 0
          ? async (type, flavor, pkg) => (await this.registry(toProfile, draft.flavors)).load(type, flavor, { package: pkg })
          : load;
      await assertValidStack(draft, record, targetLoad, install, "register");
      draft.stacks.push(record);
      return structuredClone(record);
    });
    this.forgetRegistries();
    return copied;
  }

  async exportStack(name: string): Promise<StackExport> {
    const { stack, snapshot } = await this.stackRecord(name);
    const { records, unknown } = resolveComponents(snapshot, stack);
    if (unknown[0]) throw unknown[0];
    const { corePackage } = await import("./discovery/core-package.ts");
    return buildStackExport(stack, records, corePackage().version);
  }

  async importStack(doc: unknown, options: { name?: string | undefined } = {}): Promise<StackRecord> {
    const imported = readStackExport(doc);
    const name = options.name ?? imported.stackName;
    validateName("stack", name);
    const load = this.flavorLoader();
    const install = await this.prepareInstallCommand();
    const { parseComponentConfig } = await import("./config-values.ts");
    const entries = Object.entries(imported.components) as [ComponentType, ImportedComponent][];
    for (const [type, component] of entries) validateName(componentType(type).displayName, component.name);
    // Every flavor must load: all missing packages in one error with one install command (the file
    // names the packages its flavors came from).
    const asRecords = Object.fromEntries(entries.map(([type, c]) => [type, { id: "", type, ...c }]));
    const { issues, flavors } = await checkFlavors({ id: "", name, components: {} }, asRecords, load, install);
    if (issues.length > 0) throw invalidStackError(name, issues);
    // Then every component is validated by its flavor: a literal secret or a bad value is refused here.
    const incoming: IncomingComponent[] = [];
    for (const [type, component] of entries) {
      const pkg = (await this.flavorPackage(type, component.flavor)) ?? component.package;
      incoming.push({
        type,
        name: component.name,
        flavor: component.flavor,
        config: parseComponentConfig(flavors[type]!, component.config),
        ...(pkg ? { package: pkg } : {}),
      });
    }
    return (await this.store()).transact(async (draft) => {
      if (draft.stacks.some((s) => s.name === name)) {
        throw new ConflictError(`A stack named '${name}' already exists.`, {
          hint: "Import it under another name (`zen stack import <file> --name <new-name>`), or rename or delete the existing stack.",
        });
      }
      const at = now();
      const components = mergeComponents(draft, incoming, { kind: "refuse" }, at);
      const record: StackRecord = { id: crypto.randomUUID(), name, components, createdAt: at, updatedAt: at };
      await assertValidStack(draft, record, load, install, "register");
      draft.stacks.push(record);
      return structuredClone(record);
    });
  }

  async validateStack(name?: string): Promise<StackIssue[]> {
    const { stack, snapshot } = await this.stackRecord(name);
    return stackIssues(snapshot, stack, this.flavorLoader(), await this.prepareInstallCommand());
  }

  async loadStack(name?: string): Promise<LoadedStack> {
    const { stack, snapshot } = await this.stackRecord(name);
    const issues = await stackIssues(snapshot, stack, this.flavorLoader(), await this.prepareInstallCommand());
    if (issues.length > 0) throw invalidStackError(stack.name, issues);
    const { records } = resolveComponents(snapshot, stack);
    // The secrets manager comes first: the other components' secret references resolve through it.
    const secretsRecord = records.secrets_manager;
    const secretsManager = secretsRecord ? ((await this.instantiate(secretsRecord, undefined)) as BaseSecretsManager) : undefined;
    const components: LoadedStack["components"] = {};
    for (const [type, record] of Object.entries(records) as [ComponentType, ComponentRecord][]) {
      components[type] = type === "secrets_manager" && secretsManager ? secretsManager : await this.instantiate(record, secretsManager);
    }
    return {
      name: stack.name,
      orchestrator: components.orchestrator as LoadedStack["orchestrator"],
      artifactStore: components.artifact_store as LoadedStack["artifactStore"],
      metadataStore: components.metadata_store as LoadedStack["metadataStore"],
      components,
    };
  }

  /** Imports the flavor's implementation and constructs the component with its secrets resolved. */
  /**
   * One component, instantiated with its secret references resolved through the active stack's
   * secrets manager (if it has one). Without a name: the active stack's component of that type.
   */
  async loadComponent(type: ComponentType, name?: string): Promise<StackComponent> {
    const record = await this.getComponent(type, name);
    const { stack, snapshot } = await this.stackRecord();
    const secretsName = stack.components.secrets_manager;
    const secretsRecord = secretsName ? findComponent(snapshot, "secrets_manager", secretsName) : undefined;
    const secretsManager = secretsRecord ? ((await this.instantiate(secretsRecord, undefined)) as BaseSecretsManager) : undefined;
    return this.instantiate(record, secretsManager);
  }

  private async instantiate(record: ComponentRecord, secretsManager: BaseSecretsManager | undefined): Promise<StackComponent> {
    const flavor = await this.flavorLoader()(record.type, record.flavor, record.package);
    // Secret fields come from the loaded flavor's schema (a custom flavor's index entry does not know them).
    const { configJsonSchema } = await import("./discovery/describe-flavor.ts");
    const { secretFieldsOf } = await import("./discovery/json-schema.ts");
    const secretFields = secretFieldsOf(configJsonSchema(flavor));
    const what = label(record.type, record.name);
    // flavor.ts loads zod: only when a stack is actually loaded.
    const { loadImplementation } = await import("./flavor.ts");
    let Implementation;
    try {
      Implementation = await loadImplementation(flavor);
    } catch (error) {
      throw new ZenError(`Could not load the implementation of ${what} (flavor '${record.flavor}'): ${(error as Error).message}`, {
        hint: "Reinstall the package that provides the flavor; run with ZEN_DEBUG=1 for the stack trace.",
        cause: error,
      });
    }
    if (Implementation.componentType !== record.type) {
      throw new ZenError(`The implementation of flavor '${record.flavor}' is for component type '${String(Implementation.componentType)}', not '${record.type}'.`, {
        hint: "Fix the flavor's `implementation` so it returns a class of the flavor's own component type.",
      });
    }
    const { resolveSecretReferences } = await import("./secrets/references.ts");
    const config = await resolveSecretReferences(record.config, secretFields, secretsManager, what);
    return new Implementation({ id: record.id, name: record.name, flavor: record.flavor, config, configDir: this.#state.configDir });
  }

  // ── profiles ───────────────────────────────────────────────────────────────

  private profileInfo(name: string, entry: ProfileEntry): ProfileInfo {
    return {
      name,
      storeType: entry.store_type,
      storeUrl: entry.store_url,
      activeStack: entry.active_stack,
      active: name === this.#resolution.profile.name,
    };
  }

  async listProfiles(): Promise<ProfileInfo[]> {
    const global = await this.#state.globalFile.read();
    return Object.entries(global?.profiles ?? {}).map(([name, entry]) => this.profileInfo(name, entry));
  }

  async describeProfile(name?: string): Promise<ProfileInfo> {
    const wanted = name ?? this.#resolution.profile.name;
    return this.profileInfo(wanted, this.profileEntry(wanted));
  }

  async createProfile(name: string, options: { storeType?: StoreType | undefined; url?: string | undefined } = {}): Promise<ProfileInfo> {
    const entry = await createProfileEntry(this.#state.globalFile, name, options, this.#state.env, this.#state.notice);
    await this.refresh();
    return this.profileInfo(name, entry);
  }

  async setActiveProfile(name: string, options: { global?: boolean } = {}): Promise<void> {
    const entry = this.profileEntry(name);
    const root = this.#state.repositoryRoot;
    if (root && !options.global) {
      // The repository pins the profile together with a stack of that profile: its own active stack.
      const stack = entry.active_stack ?? (await openAndRead(entry)).stacks[0]?.name;
      await updateRepositoryConfig(root, (config) => {
        config.active_profile_name = name;
        config.active_stack_name = stack;
      });
    } else {
      await this.#state.globalFile.update((config) => {
        if (!config.profiles[name]) throw profileNotFound(name, config);
        config.active_profile = name;
      });
    }
    await this.refresh();
  }

  async deleteProfile(name: string): Promise<void> {
    this.profileEntry(name);
    const setting = this.#resolution.profile;
    if (setting.name === name) {
      const hints: Record<ResolvedSetting["source"], string> = {
        flag: "It was chosen with --profile; work from another profile to delete this one.",
        env: "ZEN_PROFILE names it: point ZEN_PROFILE at another profile or unset it first.",
        repository: "Activate another profile in this repository first: `zen profile set <other>`.",
        global: `Activate another profile first: \`zen profile set ${this.#state.repositoryRoot ? "--global " : ""}<other>\`.`,
        default: `Activate another profile first: \`zen profile set ${this.#state.repositoryRoot ? "--global " : ""}<other>\`.`,
      };
      throw new ConflictError(`Profile '${name}' is the active profile (${SOURCE_WORDS[setting.source]}) and cannot be deleted.`, {
        hint: hints[setting.source],
      });
    }
    if (this.#state.repository?.active_profile_name === name) {
      throw new ConflictError(`Profile '${name}' is pinned by the repository at '${this.#state.repositoryRoot}' and cannot be deleted.`, {
        hint: "Run `zen profile set <other>` in that repository first.",
      });
    }
    const cached = this.#stores.get(name);
    await removeProfile(this.#state.globalFile, name, (config) => {
      if (config.active_profile === name) {
        throw new ConflictError(`Profile '${name}' is the global active profile and cannot be deleted.`, {
          hint: "Choose another global active profile first: `zen profile set --global <other>`.",
        });
      }
    });
    if (cached) {
      this.#stores.delete(name);
      void cached.then((s) => s.close(), () => {});
    }
    await this.refresh();
  }

  // ── secrets ────────────────────────────────────────────────────────────────

  /** The active stack's secrets manager; only that component is instantiated. */
  private async secretsManager(): Promise<BaseSecretsManager> {
    const { stack, snapshot } = await this.stackRecord();
    const name = stack.components.secrets_manager;
    if (!name) {
      throw new ZenError(`The active stack '${stack.name}' has no secrets manager.`, {
        code: "ZEN_NO_SECRETS_MANAGER",
        hint: `Register one and add it to the stack: \`zen secrets-manager register local_secrets --flavor local && zen stack update ${stack.name} -x local_secrets\`.`,
      });
    }
    const record = findComponent(snapshot, "secrets_manager", name);
    if (!record) throw componentNotFound(snapshot, "secrets_manager", name);
    return (await this.instantiate(record, undefined)) as BaseSecretsManager;
  }

  async registerSecret(name: string, values: Record<string, string>): Promise<void> {
    await (await this.secretsManager()).registerSecret({ name, values });
  }

  async listSecrets(): Promise<string[]> {
    return (await this.secretsManager()).listSecretNames();
  }

  async getSecret(name: string, options: { reveal?: boolean } = {}): Promise<Record<string, string>> {
    const secret = await (await this.secretsManager()).getSecret(name);
    if (options.reveal) return secret.values;
    const { MASK } = await import("./secrets/mask.ts");
    return Object.fromEntries(Object.keys(secret.values).map((key) => [key, MASK]));
  }

  /** Sets the given keys; the secret's other keys stay (as `zen secret update NAME --key=value` promises). */
  async updateSecret(name: string, values: Record<string, string>): Promise<void> {
    const manager = await this.secretsManager();
    const current = await manager.getSecret(name);
    await manager.updateSecret({ name, values: { ...current.values, ...values } });
  }

  async deleteSecret(name: string): Promise<void> {
    await (await this.secretsManager()).deleteSecret(name);
  }
}

async function openAndRead(entry: ProfileEntry): Promise<StoreSnapshot> {
  const store = await openProfileStore(entry);
  try {
    return await store.read();
  } finally {
    store.close();
  }
}

function throwNotFound(message: string, hint: string): never {
  throw new NotFoundError(message, { hint });
}
