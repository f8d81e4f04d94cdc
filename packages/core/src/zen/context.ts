/**
 * What every part of the `Zen` facade shares: the configuration read at open, the resolved profile
 * and stack, the profile stores (opened lazily, once), the flavor registries and loaded flavors, and
 * the one path every store change takes (`transact`), which in a dry run computes the change on a
 * copy and records it instead of writing.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ComponentType } from "../component-types.ts";
import type { Notice } from "../config/default-stack.ts";
import type { GlobalConfig, GlobalConfigFile, ProfileEntry } from "../config/global-config.ts";
import type { Env } from "../config/paths.ts";
import { openProfileStore, profileNotFound } from "../config/profiles.ts";
import { readRepositoryConfig, type RepositoryConfig } from "../config/repository.ts";
import { resolveSettings, type Resolution } from "../config/resolution.ts";
import { settingHint, settingSourceWords } from "../config/setting-source-words.ts";
import type { FlavorRegistry } from "../discovery/flavor-registry-api.ts";
// Static: a warm registry is a few stats and one JSON read, and it shares the facade's start-up chunk.
// (Loading it on first use through `require` raced flavor modules importing it at the same time.)
import { createFlavorRegistry } from "../discovery/registry.ts";
import { NotFoundError } from "../errors.ts";
import type { Flavor } from "../flavor.ts";
import { resolveComponents, stackNotFound, type FlavorLoader, type InstallCommand } from "../stack-validation.ts";
import type { CustomFlavorRecord, StackRecord, StackStore, StoreSnapshot } from "../store/records.ts";
import type { PlannedChange, StackDescription } from "../zen-api.ts";
import { diffSnapshots } from "./record-diff.ts";

export interface ZenState {
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
  /** Compute and record changes, write nothing. */
  dryRun: boolean;
}

export function now(): string {
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

export class ZenContext {
  state: ZenState;
  resolution: Resolution;
  readonly stores = new Map<string, Promise<StackStore>>();
  readonly #registries = new Map<string, Promise<FlavorRegistry>>();
  readonly #flavors = new Map<string, Promise<Flavor>>();
  #projectRoot: { dir: string | undefined } | undefined;
  /** In a dry run: each profile's store as the changes so far would leave it. */
  readonly #planned = new Map<string, StoreSnapshot>();
  /** What the calls so far changed (in a dry run: would have changed), in order. */
  readonly changes: PlannedChange[] = [];

  constructor(state: ZenState) {
    this.state = state;
    this.resolution = resolveSettings({ flags: state.flags, env: state.env, repository: state.repository, global: state.global });
  }

  get dryRun(): boolean {
    return this.state.dryRun;
  }

  get profileName(): string {
    return this.resolution.profile.name;
  }

  /** Re-reads the global and repository config after a change, so `context` stays truthful. */
  async refresh(): Promise<void> {
    const global = await this.state.globalFile.read();
    const repository = this.state.repositoryRoot ? await readRepositoryConfig(this.state.repositoryRoot) : undefined;
    this.state = { ...this.state, global, repository };
    this.resolution = resolveSettings({ flags: this.state.flags, env: this.state.env, repository, global });
  }

  projectRoot(): string | undefined {
    this.#projectRoot ??= { dir: findProjectRoot(this.state.cwd) };
    return this.#projectRoot.dir;
  }

  /** Where custom flavor specifiers are resolved from: the repository root, else the project root, else cwd. */
  flavorRoot(): string {
    return this.state.repositoryRoot ?? this.projectRoot() ?? this.state.cwd;
  }

  /** The profile's entry in the global config, with a fix-it hint naming where an unknown active profile came from. */
  profileEntry(name: string = this.profileName): ProfileEntry {
    const entry = this.state.global?.profiles[name];
    if (entry && Object.hasOwn(this.state.global!.profiles, name)) return entry;
    const setting = this.resolution.profile;
    if (name !== setting.name) throw profileNotFound(name, this.state.global);
    const choices = Object.keys(this.state.global?.profiles ?? {});
    throw new NotFoundError(`Profile '${name}' (${settingSourceWords("profile", setting.source)}) does not exist.`, {
      hint: settingHint("profile", setting, "missing", { repositoryRoot: this.state.repositoryRoot, choices }, `create it with \`zen profile create ${name}\``),
    });
  }

  store(profile: string = this.profileName): Promise<StackStore> {
    let store = this.stores.get(profile);
    if (!store) {
      const entry = this.profileEntry(profile);
      store = openProfileStore(entry);
      store.catch(() => this.stores.delete(profile));
      this.stores.set(profile, store);
    }
    return store;
  }

  async snapshot(profile: string = this.profileName): Promise<StoreSnapshot> {
    // A dry run's later calls see its earlier changes (`stack register --set` sets the new stack).
    const planned = this.#planned.get(profile);
    if (planned) return structuredClone(planned);
    return (await this.store(profile)).read();
  }

  /**
   * The one way a profile's store changes: `change` runs on the fresh snapshot under the store's
   * lock, so every read-modify-write sees the latest state, and what it changed is recorded. In a dry
   * run it runs on a copy of the current snapshot and nothing is written.
   */
  async transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>, profile: string = this.profileName): Promise<T> {
    const store = await this.store(profile);
    if (!this.dryRun) {
      return store.transact(async (draft) => {
        const before = structuredClone(draft);
        const result = await change(draft);
        this.changes.push(...diffSnapshots(before, draft, profile));
        return result;
      });
    }
    const before = await this.snapshot(profile);
    const draft = structuredClone(before);
    const result = await change(draft);
    this.changes.push(...diffSnapshots(before, draft, profile));
    this.#planned.set(profile, draft);
    return result;
  }

  registry(profile: string = this.profileName, customFlavors?: readonly CustomFlavorRecord[]): Promise<FlavorRegistry> {
    const key = customFlavors ? `${profile}\0${JSON.stringify(customFlavors)}` : profile;
    let registry = this.#registries.get(key);
    if (!registry) {
      registry = (async () => {
        const flavors = customFlavors ?? (await this.snapshot(profile)).flavors;
        return createFlavorRegistry({
          projectRoot: this.projectRoot(),
          cliRoot: this.state.cliRoot,
          customFlavors: flavors,
          cacheDir: join(this.state.configDir, "cache"),
          env: this.state.env,
          onWarning: this.state.notice,
        });
      })();
      registry.catch(() => this.#registries.delete(key));
      this.#registries.set(key, registry);
    }
    return registry;
  }

  forgetRegistries(profile?: string): void {
    if (profile !== undefined) {
      this.#registries.delete(profile);
      return;
    }
    this.#registries.clear();
    this.#flavors.clear();
  }

  flavorLoader(profile: string = this.profileName): FlavorLoader {
    // Start building the registry now, before the caller opens a store transaction: building it reads
    // the store, and a read queued behind the open transaction would wait for it forever (sql store).
    const registry = this.registry(profile);
    registry.catch(() => {});
    return (type, name, pkg) => {
      // The package is part of the key: components of one flavor name may come from different packages.
      const key = `${profile}\0${type}\0${name}\0${pkg ?? ""}`;
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
  async flavorPackage(type: ComponentType, flavor: string, profile?: string): Promise<string | undefined> {
    const source = (await (await this.registry(profile)).find(type, flavor))?.source;
    return source?.kind === "package" ? source.package : undefined;
  }

  /** Resolves the install command for the project's package manager (needs a file lookup, so done once before validation). */
  async prepareInstallCommand(): Promise<InstallCommand> {
    const projectRoot = this.projectRoot();
    const { detectPackageManager, installCommand } = await import("../discovery/unknown-flavor.ts");
    const manager = detectPackageManager(projectRoot);
    return (packages) => installCommand(manager, packages.join(" "), projectRoot === undefined);
  }

  /** The effective stack's record (or the named one) — with a fix-it hint naming where the name came from. */
  async stackRecord(name?: string, snapshot?: StoreSnapshot): Promise<{ stack: StackRecord; snapshot: StoreSnapshot }> {
    const snap = snapshot ?? (await this.snapshot());
    const wanted = name ?? this.resolution.stack.name;
    const stack = snap.stacks.find((s) => s.name === wanted);
    if (stack) return { stack, snapshot: snap };
    if (name !== undefined && name !== this.resolution.stack.name) throw stackNotFound(snap, wanted);
    const setting = this.resolution.stack;
    const profile = this.profileName;
    throw new NotFoundError(`The active stack '${wanted}' (${settingSourceWords("stack", setting.source)}) does not exist in profile '${profile}'.`, {
      hint: settingHint("stack", setting, "missing", {
        repositoryRoot: this.state.repositoryRoot,
        choices: snap.stacks.map((s) => s.name),
        profile,
      }),
    });
  }

  describe(stack: StackRecord, snapshot: StoreSnapshot, profileName = this.profileName): StackDescription {
    const { records } = resolveComponents(snapshot, stack);
    const active = profileName === this.profileName && stack.name === this.resolution.stack.name;
    return { ...structuredClone(stack), active, componentRecords: structuredClone(records) };
  }

  /** Whether the repository's config pins `stack` for `profile`. */
  repositoryPins(profile: string, stack: string): boolean {
    const repository = this.state.repository;
    if (!repository || repository.active_stack_name !== stack) return false;
    const repositoryProfile = repository.active_profile_name ?? this.state.global?.active_profile ?? "default";
    return repositoryProfile === profile;
  }
}
