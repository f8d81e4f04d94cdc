/** Profiles: list, describe, create, activate and delete (refused for the active or a pinned profile). */
import type { ProfileEntry } from "../config/global-config.ts";
import { createProfile as createProfileEntry, openProfileStore, profileNotFound, removeProfile } from "../config/profiles.ts";
import { updateRepositoryConfig } from "../config/repository.ts";
import { settingHint, settingSourceWords } from "../config/setting-source-words.ts";
import { ConflictError } from "../errors.ts";
import type { StoreSnapshot, StoreType } from "../store/records.ts";
import type { PlannedChange, ProfileInfo, ProfileMigration } from "../zen-api.ts";
import type { ZenContext } from "./context.ts";

function profileInfo(ctx: ZenContext, name: string, entry: ProfileEntry): ProfileInfo {
  return {
    name,
    storeType: entry.store_type,
    storeUrl: entry.store_url,
    activeStack: entry.active_stack,
    active: name === ctx.profileName,
  };
}

export async function listProfiles(ctx: ZenContext): Promise<ProfileInfo[]> {
  const global = await ctx.state.globalFile.read();
  return Object.entries(global?.profiles ?? {}).map(([name, entry]) => profileInfo(ctx, name, entry));
}

export async function describeProfile(ctx: ZenContext, name?: string): Promise<ProfileInfo> {
  const wanted = name ?? ctx.profileName;
  return profileInfo(ctx, wanted, ctx.profileEntry(wanted));
}

/** Migrates the profile's stack store explicitly (its type's code loads only now). */
export async function migrateProfile(ctx: ZenContext, name?: string): Promise<ProfileMigration> {
  const wanted = name ?? ctx.profileName;
  const entry = ctx.profileEntry(wanted);
  const { migrateStackStore } = await import("../store/migrate-store.ts");
  const { from, to } = await migrateStackStore(entry.store_type, entry.store_url, ctx.state.env);
  return { ...profileInfo(ctx, wanted, entry), fromVersion: from, toVersion: to };
}

export async function createProfile(
  ctx: ZenContext,
  name: string,
  options: { storeType?: StoreType | undefined; url?: string | undefined } = {},
): Promise<ProfileInfo> {
  const entry = await createProfileEntry(ctx.state.globalFile, name, options, ctx.state.env, ctx.state.notice);
  await ctx.refresh();
  return profileInfo(ctx, name, entry);
}

export async function setActiveProfile(ctx: ZenContext, name: string, options: { global?: boolean | undefined } = {}): Promise<void> {
  const entry = ctx.profileEntry(name);
  const root = ctx.state.repositoryRoot;
  if (root && !options.global) {
    // The repository pins the profile together with a stack of that profile: its own active stack.
    const stack = entry.active_stack ?? (await openAndRead(entry)).stacks[0]?.name;
    await updateRepositoryConfig(root, (config) => {
      config.active_profile_name = name;
      config.active_stack_name = stack;
    });
  } else {
    await ctx.state.globalFile.update((config) => {
      if (!config.profiles[name]) throw profileNotFound(name, config);
      config.active_profile = name;
    });
  }
  await ctx.refresh();
}

export async function deleteProfile(ctx: ZenContext, name: string): Promise<void> {
  const entry = ctx.profileEntry(name);
  const setting = ctx.resolution.profile;
  const repositoryRoot = ctx.state.repositoryRoot;
  if (setting.name === name) {
    throw new ConflictError(`Profile '${name}' is the active profile (${settingSourceWords("profile", setting.source)}) and cannot be deleted.`, {
      hint: settingHint("profile", setting, "in-use", { repositoryRoot }),
    });
  }
  if (ctx.state.repository?.active_profile_name === name) {
    throw new ConflictError(`Profile '${name}' is pinned by the repository at '${repositoryRoot}' and cannot be deleted.`, {
      hint: "Run `zen profile set <other>` in that repository first.",
    });
  }
  const refuseGlobal = (activeProfile: string | undefined) => {
    if (activeProfile === name) {
      throw new ConflictError(`Profile '${name}' is the global active profile and cannot be deleted.`, {
        hint: "Choose another global active profile first: `zen profile set --global <other>`.",
      });
    }
  };
  if (ctx.dryRun) refuseGlobal(ctx.state.global?.active_profile);
  // What goes with it, if its store can be read (a damaged store must not block deleting the profile).
  const snapshot = await ctx.snapshot(name).catch(() => undefined);
  const removal: PlannedChange = {
    action: "remove",
    kind: "profile",
    name,
    keys: {
      store_url: { before: entry.store_url },
      ...(snapshot
        ? {
            stacks: { before: snapshot.stacks.map((s) => s.name) },
            components: { before: snapshot.components.map((c) => `${c.type}/${c.name}`) },
          }
        : {}),
    },
  };
  if (ctx.dryRun) {
    ctx.changes.push(removal);
    return;
  }
  const cached = ctx.stores.get(name);
  await removeProfile(ctx.state.globalFile, name, (config) => refuseGlobal(config.active_profile));
  if (cached) {
    ctx.stores.delete(name);
    void cached.then(
      (s) => s.close(),
      () => {},
    );
  }
  ctx.changes.push(removal);
  await ctx.refresh();
}

async function openAndRead(entry: ProfileEntry): Promise<StoreSnapshot> {
  const store = await openProfileStore(entry);
  try {
    return await store.read();
  } finally {
    store.close();
  }
}
