/**
 * The operations the CLI (and users' scripts) perform on profiles, stacks, components, flavors and
 * secrets. `Zen` (zen/index.ts) implements it; every method validates fully and throws a ZenError with a
 * hint on bad input, changing nothing.
 */
import type { ComponentType } from "./component-types.ts";
import type { RegisteredCustomFlavor } from "./discovery/custom-flavor-name.ts";
import type { DiscoveryProblem, FlavorInfo } from "./discovery/flavor-info.ts";
import type { DiscoveryReport } from "./discovery/report.ts";
import type { StackIssue } from "./flavor.ts";
import type { LoadedStack } from "./stack.ts";
import type { StackComponent } from "./stack-component.ts";
import type { ComponentRecord, StackRecord, StoreType } from "./store/records.ts";
import type { ResolvedSetting } from "./config/settings.ts";

export type { ResolvedSetting, SettingSource, ZenOptions } from "./config/settings.ts";

export interface ZenContextInfo {
  configDir: string;
  /** The repository root (directory holding `.zen/`), if any. */
  repositoryRoot: string | undefined;
  profile: ResolvedSetting;
  stack: ResolvedSetting;
}

export interface ProfileInfo {
  name: string;
  storeType: StoreType;
  storeUrl: string;
  /** The profile's own active stack (global config). */
  activeStack: string | undefined;
  active: boolean;
}

/** What `migrateProfile` did: the store's schema version before and after (equal when it was current). */
export interface ProfileMigration extends ProfileInfo {
  fromVersion: number;
  toVersion: number;
}

/** A stack with its component records, as `describe` shows it. */
export interface StackDescription extends StackRecord {
  active: boolean;
  componentRecords: Partial<Record<ComponentType, ComponentRecord>>;
}

/** The self-describing file `zen stack export` writes and `zen stack import` reads. */
export interface StackExport {
  format: "zen-stack";
  formatVersion: 1;
  zenVersion: string;
  stack: { name: string };
  /**
   * Secret fields keep their `{{name.key}}` references; values are never exported. `package` names the
   * npm package a flavor came from, so an import where it is missing says what to install.
   */
  components: Partial<Record<ComponentType, { name: string; flavor: string; package?: string; config: Record<string, unknown> }>>;
}

/**
 * One record a command changes (or, in a dry run, would change). `keys` holds the record's fields that
 * differ, dotted one level (`config.path`, `components.orchestrator`), each with its value before and after
 * (absent when the key is absent); secret fields hold references, never values.
 */
export interface PlannedChange {
  action: "add" | "change" | "remove";
  kind: "component" | "stack" | "flavor" | "profile" | "setting";
  /** The component type of a component or flavor. */
  type?: ComponentType;
  name: string;
  /** The profile whose store holds the record. */
  profile?: string;
  keys?: Record<string, { before?: unknown; after?: unknown }>;
}

export interface ZenApi {
  readonly context: ZenContextInfo;

  // ── components ────────────────────────────────────────────────────────────
  listComponents(type: ComponentType): Promise<ComponentRecord[]>;
  /** Without a name: the active stack's component of that type. */
  getComponent(type: ComponentType, name?: string): Promise<ComponentRecord>;
  /** `raw` holds CLI strings (`--key=value`) or typed values; converted and validated by the flavor's schema. */
  registerComponent(type: ComponentType, name: string, flavor: string, raw: Record<string, unknown>): Promise<ComponentRecord>;
  updateComponent(type: ComponentType, name: string, raw: Record<string, unknown>): Promise<ComponentRecord>;
  /** Unsets optional config keys (kebab-case spellings accepted); refuses required and unknown keys, changing nothing. */
  removeComponentAttributes(type: ComponentType, name: string, keys: readonly string[]): Promise<ComponentRecord>;
  renameComponent(type: ComponentType, name: string, newName: string): Promise<ComponentRecord>;
  /** Refused while a stack uses the component. */
  deleteComponent(type: ComponentType, name: string): Promise<void>;

  // ── flavors ───────────────────────────────────────────────────────────────
  listFlavors(type?: ComponentType): Promise<FlavorInfo[]>;
  /**
   * Imports `module#export` at once (TypeScript through tsx) and stores it in the profile. Refused for
   * a name a built-in or an installed package has, and for one a custom flavor from another module has
   * unless `replace`; the same module again is a no-op (`outcome: "unchanged"`).
   */
  registerCustomFlavor(type: ComponentType, specifier: string, options?: { replace?: boolean }): Promise<RegisteredCustomFlavor>;
  discoveryProblems(): Promise<DiscoveryProblem[]>;
  /** Every package looked at and what became of it, rediscovered without the cache (`zen doctor`). */
  discoveryReport(): Promise<DiscoveryReport>;

  // ── stacks ────────────────────────────────────────────────────────────────
  listStacks(): Promise<StackDescription[]>;
  /** Without a name: the active stack. */
  describeStack(name?: string): Promise<StackDescription>;
  registerStack(name: string, components: Partial<Record<ComponentType, string>>): Promise<StackRecord>;
  /** Sets (name) or removes (null) components. */
  updateStack(name: string, components: Partial<Record<ComponentType, string | null>>): Promise<StackRecord>;
  renameStack(name: string, newName: string): Promise<StackRecord>;
  /** Refused for the active stack (of the repository or the profile). */
  deleteStack(name: string): Promise<void>;
  /** In a repository, sets the repository's active stack unless `global`; never both. */
  setActiveStack(name: string, options?: { global?: boolean }): Promise<void>;
  /** Copies a stack (and its components, renamed if they clash) within this profile or to another. */
  copyStack(name: string, newName: string, options?: { toProfile?: string }): Promise<StackRecord>;
  exportStack(name: string): Promise<StackExport>;
  /** `source` (the file the document was read from) is named in errors about the document. */
  importStack(doc: unknown, options?: { name?: string; source?: string }): Promise<StackRecord>;
  /** Every problem with the stack (missing required components, flavors' validators, missing packages). */
  validateStack(name?: string): Promise<StackIssue[]>;
  /**
   * Validates the stack, imports every component's flavor implementation and resolves secret references.
   * Fails before anything runs, naming every missing package at once (with one install command).
   */
  loadStack(name?: string): Promise<LoadedStack>;
  /** One component, instantiated, secret references resolved through the active stack's secrets manager. */
  loadComponent(type: ComponentType, name?: string): Promise<StackComponent>;

  // ── profiles ──────────────────────────────────────────────────────────────
  listProfiles(): Promise<ProfileInfo[]>;
  describeProfile(name?: string): Promise<ProfileInfo>;
  createProfile(name: string, options?: { storeType?: StoreType; url?: string }): Promise<ProfileInfo>;
  setActiveProfile(name: string, options?: { global?: boolean }): Promise<void>;
  deleteProfile(name: string): Promise<void>;
  /** Brings the profile's stack store to this zen's schema (what opening it does implicitly); refuses a newer one. */
  migrateProfile(name?: string): Promise<ProfileMigration>;

  // ── secrets (the active stack's secrets manager) ──────────────────────────
  registerSecret(name: string, values: Record<string, string>): Promise<void>;
  listSecrets(): Promise<string[]>;
  /** Returns keys only unless `reveal` is set. */
  getSecret(name: string, options?: { reveal?: boolean }): Promise<Record<string, string>>;
  /** Sets the given keys, keeping the secret's other keys. */
  updateSecret(name: string, values: Record<string, string>): Promise<void>;
  /**
   * Refused while components of the active profile refer to the secret, unless `force`; `confirm`
   * runs after those checks and before the deletion (throw from it to cancel).
   */
  deleteSecret(name: string, options?: { force?: boolean; confirm?: () => Promise<void> }): Promise<void>;

  // ── dry runs ──────────────────────────────────────────────────────────────
  /** True when opened with `dryRun`: changes are computed and recorded, nothing is written. */
  readonly dryRun: boolean;
  /** What the calls so far changed (in a dry run: would have changed), in order. */
  plannedChanges(): PlannedChange[];
}
