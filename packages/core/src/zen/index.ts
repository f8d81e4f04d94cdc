/**
 * `Zen`: the facade the CLI and users' scripts call (ZenApi). It resolves the effective profile and
 * stack once (flag > env > repository > global > default), opens the profile's store lazily, and
 * validates every change fully before committing it atomically; on bad input it throws a ZenError
 * with a hint and changes nothing. Each concern lives in a module of this folder; this class only
 * opens the context and delegates.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { RegisteredCustomFlavor } from "../discovery/custom-flavor-name.ts";
import type { ComponentType } from "../component-types.ts";
import { GlobalConfigFile } from "../config/global-config.ts";
import { globalConfigDir } from "../config/paths.ts";
import { ensureDefaultProfile } from "../config/profiles.ts";
import { findRepositoryRoot, isRepositoryRoot, readRepositoryConfig, REPOSITORY_DIR, updateRepositoryConfig } from "../config/repository.ts";
import type { DiscoveryProblem, FlavorInfo } from "../discovery/flavor-info.ts";
import type { DiscoveryReport } from "../discovery/report.ts";
import { ConflictError } from "../errors.ts";
import type { StackIssue } from "../flavor.ts";
import type { LoadedStack } from "../stack.ts";
import type { StackComponent } from "../stack-component.ts";
import type { ComponentRecord, StackRecord, StoreType } from "../store/records.ts";
import type { PlannedChange, ProfileInfo, ProfileMigration, StackDescription, StackExport, ZenApi, ZenContextInfo, ZenOptions } from "../zen-api.ts";
import * as components from "./components.ts";
import { ZenContext } from "./context.ts";
import * as flavors from "./flavors.ts";
import * as profiles from "./profiles.ts";
import * as secrets from "./secrets.ts";
import * as loading from "./stack-loading.ts";
import * as moves from "./stack-moves.ts";
import * as stacks from "./stacks.ts";

// The CLI words an effective setting's source with these (its context line, `zen status`), the same as the errors here do.
export { settingSourceLabel, settingSourceWords } from "../config/setting-source-words.ts";

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

export class Zen implements ZenApi {
  readonly #ctx: ZenContext;

  private constructor(ctx: ZenContext) {
    this.#ctx = ctx;
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
    return new Zen(
      new ZenContext({
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
        dryRun: options.dryRun ?? false,
      }),
    );
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
      await zen.#ctx.stackRecord(); // the effective profile and stack must exist before they are pinned
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
    const { state, resolution } = this.#ctx;
    return {
      configDir: state.configDir,
      repositoryRoot: state.repositoryRoot,
      profile: { ...resolution.profile },
      stack: { ...resolution.stack },
    };
  }

  get dryRun(): boolean {
    return this.#ctx.dryRun;
  }

  plannedChanges(): PlannedChange[] {
    return structuredClone(this.#ctx.changes);
  }

  /** Closes open stores (SQLite connections). The instance may be used again afterwards. */
  close(): void {
    for (const store of this.#ctx.stores.values())
      void store.then(
        (s) => s.close(),
        () => {},
      );
    this.#ctx.stores.clear();
  }

  // ── components ─────────────────────────────────────────────────────────────
  // Records as shown: a value in a secret field (never a reference) is masked.
  async listComponents(type: ComponentType): Promise<ComponentRecord[]> {
    const { maskStoredSecrets } = await import("./shown-config.ts");
    return maskStoredSecrets(this.#ctx, await components.listComponents(this.#ctx, type));
  }
  async getComponent(type: ComponentType, name?: string): Promise<ComponentRecord> {
    const { maskStoredSecrets } = await import("./shown-config.ts");
    const [record] = await maskStoredSecrets(this.#ctx, [await components.getComponent(this.#ctx, type, name)]);
    return record!;
  }
  registerComponent(type: ComponentType, name: string, flavor: string, raw: Record<string, unknown>): Promise<ComponentRecord> {
    return components.registerComponent(this.#ctx, type, name, flavor, raw);
  }
  updateComponent(type: ComponentType, name: string, raw: Record<string, unknown>): Promise<ComponentRecord> {
    return components.updateComponent(this.#ctx, type, name, raw);
  }
  removeComponentAttributes(type: ComponentType, name: string, keys: readonly string[]): Promise<ComponentRecord> {
    return components.removeComponentAttributes(this.#ctx, type, name, keys);
  }
  renameComponent(type: ComponentType, name: string, newName: string): Promise<ComponentRecord> {
    return components.renameComponent(this.#ctx, type, name, newName);
  }
  deleteComponent(type: ComponentType, name: string): Promise<void> {
    return components.deleteComponent(this.#ctx, type, name);
  }

  // ── flavors ────────────────────────────────────────────────────────────────
  listFlavors(type?: ComponentType): Promise<FlavorInfo[]> {
    return flavors.listFlavors(this.#ctx, type);
  }
  discoveryReport(): Promise<DiscoveryReport> {
    return flavors.discoveryReport(this.#ctx);
  }
  discoveryProblems(): Promise<DiscoveryProblem[]> {
    return flavors.discoveryProblems(this.#ctx);
  }
  registerCustomFlavor(type: ComponentType, specifier: string, options: { replace?: boolean } = {}): Promise<RegisteredCustomFlavor> {
    return flavors.registerCustomFlavor(this.#ctx, type, specifier, options);
  }

  // ── stacks ─────────────────────────────────────────────────────────────────
  listStacks(): Promise<StackDescription[]> {
    return stacks.listStacks(this.#ctx);
  }
  describeStack(name?: string): Promise<StackDescription> {
    return stacks.describeStack(this.#ctx, name);
  }
  registerStack(name: string, chosen: Partial<Record<ComponentType, string>>): Promise<StackRecord> {
    return stacks.registerStack(this.#ctx, name, chosen);
  }
  updateStack(name: string, changes: Partial<Record<ComponentType, string | null>>): Promise<StackRecord> {
    return stacks.updateStack(this.#ctx, name, changes);
  }
  renameStack(name: string, newName: string): Promise<StackRecord> {
    return stacks.renameStack(this.#ctx, name, newName);
  }
  deleteStack(name: string): Promise<void> {
    return stacks.deleteStack(this.#ctx, name);
  }
  setActiveStack(name: string, options: { global?: boolean } = {}): Promise<void> {
    return stacks.setActiveStack(this.#ctx, name, options);
  }
  copyStack(name: string, newName: string, options: { toProfile?: string | undefined } = {}): Promise<StackRecord> {
    return moves.copyStack(this.#ctx, name, newName, options);
  }
  exportStack(name: string): Promise<StackExport> {
    return moves.exportStack(this.#ctx, name);
  }
  importStack(doc: unknown, options: { name?: string | undefined; source?: string | undefined } = {}): Promise<StackRecord> {
    return moves.importStack(this.#ctx, doc, options);
  }
  validateStack(name?: string): Promise<StackIssue[]> {
    return loading.validateStack(this.#ctx, name);
  }
  loadStack(name?: string): Promise<LoadedStack> {
    return loading.loadStack(this.#ctx, name);
  }
  async loadComponent(type: ComponentType, name?: string): Promise<StackComponent> {
    return loading.loadComponent(this.#ctx, await components.getComponent(this.#ctx, type, name));
  }

  // ── profiles ───────────────────────────────────────────────────────────────
  listProfiles(): Promise<ProfileInfo[]> {
    return profiles.listProfiles(this.#ctx);
  }
  describeProfile(name?: string): Promise<ProfileInfo> {
    return profiles.describeProfile(this.#ctx, name);
  }
  createProfile(name: string, options: { storeType?: StoreType | undefined; url?: string | undefined } = {}): Promise<ProfileInfo> {
    return profiles.createProfile(this.#ctx, name, options);
  }
  setActiveProfile(name: string, options: { global?: boolean } = {}): Promise<void> {
    return profiles.setActiveProfile(this.#ctx, name, options);
  }
  deleteProfile(name: string): Promise<void> {
    return profiles.deleteProfile(this.#ctx, name);
  }
  migrateProfile(name?: string): Promise<ProfileMigration> {
    return profiles.migrateProfile(this.#ctx, name);
  }

  // ── secrets ────────────────────────────────────────────────────────────────
  registerSecret(name: string, values: Record<string, string>): Promise<void> {
    return secrets.registerSecret(this.#ctx, name, values);
  }
  listSecrets(): Promise<string[]> {
    return secrets.listSecrets(this.#ctx);
  }
  getSecret(name: string, options: { reveal?: boolean } = {}): Promise<Record<string, string>> {
    return secrets.getSecret(this.#ctx, name, options);
  }
  updateSecret(name: string, values: Record<string, string>): Promise<void> {
    return secrets.updateSecret(this.#ctx, name, values);
  }
  deleteSecret(name: string, options: secrets.DeleteSecretOptions = {}): Promise<void> {
    return secrets.deleteSecret(this.#ctx, name, options);
  }
}
