/** Profiles: named, independent stack stores listed in the global config. */
import { rm } from "node:fs/promises";
import { ConflictError, NotFoundError, ValidationError, ZenError } from "../errors.ts";
import { defaultStoreUrl, isStoreType, normalizeStoreUrl, openStackStore, STORE_TYPES } from "../store/open-store.ts";
import type { StackStore, StoreType } from "../store/records.ts";
import { registerDefaultStack, type Notice } from "./default-stack.ts";
import type { GlobalConfig, GlobalConfigFile, ProfileEntry } from "./global-config.ts";
import { isReservedName, NAME_PATTERN, validateName } from "./names.ts";
import type { Env } from "./paths.ts";
import { profileDir } from "./paths.ts";
import { DEFAULT_PROFILE_NAME, DEFAULT_STACK_NAME } from "./resolution.ts";

/** `ZEN_DEFAULT_STORE_TYPE` picks the store type of new profiles (as ZenML's variable did); else `local`. */
export function defaultStoreType(env: Env): StoreType {
  const wanted = env.ZEN_DEFAULT_STORE_TYPE?.trim();
  if (!wanted) return "local";
  if (!isStoreType(wanted)) {
    throw new ValidationError(`ZEN_DEFAULT_STORE_TYPE is '${wanted}', which is not a store type.`, {
      hint: `Set it to one of: ${STORE_TYPES.join(", ")}, or unset it.`,
    });
  }
  return wanted;
}

export interface NewProfileOptions {
  storeType?: StoreType | undefined;
  url?: string | undefined;
}

/**
 * Opens (creating if needed) the store of a new profile and registers its default stack.
 * Notices, in the order ZenML users know them: "Initializing profile `x`...", "Initializing store...", registrations.
 */
async function initializeProfile(configDir: string, name: string, options: NewProfileOptions, env: Env, notice: Notice): Promise<ProfileEntry> {
  // A database or sqlite:// URL (any scheme but file://) can only be a `sql` store: no need to say it twice.
  const storeType = options.storeType ?? (options.url && /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i.test(options.url) ? "sql" : defaultStoreType(env));
  if (!isStoreType(storeType)) {
    throw new ValidationError(`Unknown store type '${String(storeType)}'.`, { hint: `Use one of: ${STORE_TYPES.join(", ")}.` });
  }
  const url = options.url ? normalizeStoreUrl(storeType, options.url) : defaultStoreUrl(storeType, profileDir(configDir, name));
  notice(`Initializing profile \`${name}\`...`);
  notice("Initializing store...");
  const seed = async () => {
    const store = await openStackStore(storeType, url);
    try {
      await registerDefaultStack(store, configDir, notice);
    } finally {
      store.close();
    }
  };
  try {
    await seed();
  } catch (error) {
    // A store in this profile's own directory that is unreadable was left by a creation that
    // crashed (the profile is not in the config yet, and the config lock is held): start it afresh.
    // A readable one is reused, which completes the interrupted creation.
    const leftover = !options.url && error instanceof ZenError && ["ZEN_CONFIG_MALFORMED", "ZEN_STORE_MISSING"].includes(error.code);
    if (!leftover) throw error;
    await rm(profileDir(configDir, name), { recursive: true, force: true });
    await seed();
  }
  return { store_type: storeType, store_url: url, active_stack: DEFAULT_STACK_NAME };
}

/**
 * First use on a fresh machine: with no profile configured, creates and activates `default`.
 * Runs under the global config lock, so concurrent first commands create it exactly once.
 */
export async function ensureDefaultProfile(file: GlobalConfigFile, env: Env, notice: Notice): Promise<GlobalConfig> {
  const existing = await file.read();
  if (existing && Object.keys(existing.profiles).length > 0) return existing;
  return file.update(async (config) => {
    if (Object.keys(config.profiles).length > 0) return config;
    notice("Creating default profile...");
    config.profiles[DEFAULT_PROFILE_NAME] = await initializeProfile(file.dir, DEFAULT_PROFILE_NAME, {}, env, notice);
    config.active_profile = DEFAULT_PROFILE_NAME;
    notice("Created and activated default profile.");
    return config;
  });
}

export async function createProfile(file: GlobalConfigFile, name: string, options: NewProfileOptions, env: Env, notice: Notice): Promise<ProfileEntry> {
  validateName("profile", name);
  const exists = (config: GlobalConfig | undefined) => {
    if (config && Object.hasOwn(config.profiles, name)) {
      throw new ConflictError(`Profile '${name}' already exists.`, {
        hint: `Choose another name, or activate it with \`zen profile set ${name}\`.`,
      });
    }
  };
  exists(await file.read());
  return file.update(async (config) => {
    exists(config);
    const entry = await initializeProfile(file.dir, name, options, env, notice);
    config.profiles[name] = entry;
    return entry;
  });
}

/** Removes a profile from the global config, then its directory under `<configDir>/profiles` (a custom store URL elsewhere is left alone). */
export async function removeProfile(file: GlobalConfigFile, name: string, refuse: (config: GlobalConfig) => void): Promise<void> {
  await file.update((config) => {
    if (!Object.hasOwn(config.profiles, name)) throw profileNotFound(name, config);
    refuse(config);
    delete config.profiles[name];
  });
  await rm(profileDir(file.dir, name), { recursive: true, force: true });
}

export function profileNotFound(name: string, config: GlobalConfig | undefined, hint?: string): NotFoundError {
  const names = Object.keys(config?.profiles ?? {});
  // Suggest creating it only under a name that can be created.
  const creatable = NAME_PATTERN.test(name) && !isReservedName(name);
  const create = creatable ? `Create it with \`zen profile create ${name}\`.` : "";
  return new NotFoundError(`Profile '${name}' does not exist.`, {
    hint: hint ?? (names.length > 0 ? `Available profiles: ${names.join(", ")}. ${create}`.trim() : create || undefined),
  });
}

/** An existing profile's store: it must be there (a missing or empty store is an error, never an empty profile). */
export async function openProfileStore(entry: ProfileEntry): Promise<StackStore> {
  return openStackStore(entry.store_type, entry.store_url, { mustExist: true });
}
