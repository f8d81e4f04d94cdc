/** Stacks within a profile: list, describe, register, update, rename, delete and the active stack. */
import { componentType, type ComponentType } from "../component-types.ts";
import { validateName } from "../config/names.ts";
import { profileNotFound } from "../config/profiles.ts";
import { updateRepositoryConfig } from "../config/repository.ts";
import { settingHint, settingSourceWords } from "../config/setting-source-words.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { assertValidStack, normalizeComponents, stackNotFound } from "../stack-validation.ts";
import type { StackRecord, StoreSnapshot } from "../store/records.ts";
import type { StackDescription } from "../zen-api.ts";
import { now, type ZenContext } from "./context.ts";

export async function listStacks(ctx: ZenContext): Promise<StackDescription[]> {
  const snapshot = await ctx.snapshot();
  return snapshot.stacks.map((stack) => ctx.describe(stack, snapshot));
}

export async function describeStack(ctx: ZenContext, name?: string): Promise<StackDescription> {
  const { stack, snapshot } = await ctx.stackRecord(name);
  return ctx.describe(stack, snapshot);
}

export async function registerStack(ctx: ZenContext, name: string, components: Partial<Record<ComponentType, string>>): Promise<StackRecord> {
  validateName("stack", name);
  const chosen = normalizeComponents(components) as Partial<Record<ComponentType, string>>;
  const taken = (snapshot: StoreSnapshot) => {
    if (snapshot.stacks.some((s) => s.name === name)) {
      throw new ConflictError(`A stack named '${name}' already exists.`, {
        hint: `Choose another name, or change its components with \`zen stack update ${name}\`.`,
      });
    }
  };
  const at = now();
  const record: StackRecord = { id: crypto.randomUUID(), name, components: chosen, createdAt: at, updatedAt: at };
  const load = ctx.flavorLoader();
  const install = await ctx.prepareInstallCommand();
  // Validate before taking the lock (flavor imports can be slow), then again on the fresh snapshot.
  const preview = await ctx.snapshot();
  taken(preview);
  await assertValidStack(preview, record, load, install, "register");
  return ctx.transact(async (draft) => {
    taken(draft);
    await assertValidStack(draft, record, load, install, "register");
    draft.stacks.push(record);
    return structuredClone(record);
  });
}

export async function updateStack(ctx: ZenContext, name: string, changes: Partial<Record<ComponentType, string | null>>): Promise<StackRecord> {
  const normalized = normalizeComponents(changes);
  for (const [type, value] of Object.entries(normalized)) {
    const info = componentType(type as ComponentType);
    if (value === null && info.required) {
      throw new ValidationError(`A stack cannot be without its ${info.displayName}.`, {
        hint: `Replace it instead: \`zen stack update ${name} -${info.shortOption} <${info.cliGroup}>\`.`,
      });
    }
  }
  const load = ctx.flavorLoader();
  const install = await ctx.prepareInstallCommand();
  // Applied to the snapshot inside the transaction; a first pass on a copy fails fast before the lock.
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
  await apply(structuredClone(await ctx.snapshot()));
  return ctx.transact(async (draft) => structuredClone(await apply(draft)));
}

export async function renameStack(ctx: ZenContext, name: string, newName: string): Promise<StackRecord> {
  validateName("stack", newName);
  const profile = ctx.profileName;
  const renamed = await ctx.transact((draft) => {
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
  if (newName === name || ctx.dryRun) return renamed;
  // Settings that pointed at the old name follow the rename (flags and env vars are the user's to change).
  if (ctx.state.global?.profiles[profile]?.active_stack === name) {
    await ctx.state.globalFile.update((config) => {
      const entry = config.profiles[profile];
      if (entry?.active_stack === name) entry.active_stack = newName;
    });
  }
  const root = ctx.state.repositoryRoot;
  if (root && ctx.repositoryPins(profile, name)) {
    await updateRepositoryConfig(root, (config) => {
      if (config.active_stack_name === name) config.active_stack_name = newName;
    });
  }
  await ctx.refresh();
  return renamed;
}

export async function deleteStack(ctx: ZenContext, name: string): Promise<void> {
  const profile = ctx.profileName;
  const snapshot = await ctx.snapshot();
  if (!snapshot.stacks.some((s) => s.name === name)) throw stackNotFound(snapshot, name);
  const setting = ctx.resolution.stack;
  const repositoryRoot = ctx.state.repositoryRoot;
  if (setting.name === name) {
    throw new ConflictError(`Stack '${name}' is the active stack (${settingSourceWords("stack", setting.source)}) and cannot be deleted.`, {
      hint: settingHint("stack", setting, "in-use", { repositoryRoot }),
    });
  }
  if (ctx.state.global?.profiles[profile]?.active_stack === name) {
    throw new ConflictError(`Stack '${name}' is the global active stack of profile '${profile}' and cannot be deleted.`, {
      hint: `Choose another global active stack first: \`zen stack set --global <other>\`.`,
    });
  }
  if (ctx.repositoryPins(profile, name)) {
    throw new ConflictError(`Stack '${name}' is the active stack of the repository at '${repositoryRoot}' and cannot be deleted.`, {
      hint: "Run `zen stack set <other>` in that repository first.",
    });
  }
  await ctx.transact((draft) => {
    const index = draft.stacks.findIndex((s) => s.name === name);
    if (index < 0) throw stackNotFound(draft, name);
    draft.stacks.splice(index, 1);
  });
}

export async function setActiveStack(ctx: ZenContext, name: string, options: { global?: boolean | undefined } = {}): Promise<void> {
  const profile = ctx.profileName;
  const snapshot = await ctx.snapshot();
  if (!snapshot.stacks.some((s) => s.name === name)) throw stackNotFound(snapshot, name);
  const root = ctx.state.repositoryRoot;
  const scope = root && !options.global ? "repository" : "global";
  ctx.changes.push({ action: "change", kind: "setting", name: "active stack", profile, keys: { [scope]: { before: ctx.resolution.stack.name, after: name } } });
  if (ctx.dryRun) return;
  if (scope === "repository") {
    // Only the repository changes (never also the global setting, unlike ZenML 0.9). The profile is
    // written too, so the pinned stack always belongs to the pinned profile.
    await updateRepositoryConfig(root!, (config) => {
      config.active_profile_name = profile;
      config.active_stack_name = name;
    });
  } else {
    await ctx.state.globalFile.update((config) => {
      const entry = config.profiles[profile];
      if (!entry) throw profileNotFound(profile, config);
      entry.active_stack = name;
    });
  }
  await ctx.refresh();
}
