/** Components: list, look up, register, update, unset keys, rename and delete (refused while a stack uses one). */
import { componentType, type ComponentType } from "../component-types.ts";
import { validateName } from "../config/names.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { assertValidStack, componentNotFound, findComponent, label, type FlavorLoader, type InstallCommand } from "../stack-validation.ts";
import type { ComponentRecord, StoreSnapshot } from "../store/records.ts";
import { capitalize, withArticle } from "../wording.ts";
import { now, type ZenContext } from "./context.ts";

export async function listComponents(ctx: ZenContext, type: ComponentType): Promise<ComponentRecord[]> {
  componentType(type);
  return (await ctx.snapshot()).components.filter((c) => c.type === type);
}

export async function getComponent(ctx: ZenContext, type: ComponentType, name?: string): Promise<ComponentRecord> {
  const info = componentType(type);
  const snapshot = await ctx.snapshot();
  if (name !== undefined) {
    const record = findComponent(snapshot, type, name);
    if (!record) throw componentNotFound(snapshot, type, name);
    return record;
  }
  const { stack } = await ctx.stackRecord(undefined, snapshot);
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

export async function registerComponent(
  ctx: ZenContext,
  type: ComponentType,
  name: string,
  flavorName: string,
  raw: Record<string, unknown>,
): Promise<ComponentRecord> {
  const info = componentType(type);
  validateName(info.displayName, name);
  const taken = (snapshot: StoreSnapshot) => {
    if (findComponent(snapshot, type, name)) {
      throw new ConflictError(`${capitalize(withArticle(info.displayName))} named '${name}' already exists.`, {
        hint: `Choose another name, or change its configuration with \`zen ${info.cliGroup} update ${name} --key=value\`.`,
      });
    }
  };
  taken(await ctx.snapshot());
  const flavor = await ctx.flavorLoader()(type, flavorName);
  const { parseComponentConfig } = await import("../config-values.ts");
  const config = parseComponentConfig(flavor, raw, {}, { cwd: ctx.state.cwd });
  const pkg = await ctx.flavorPackage(type, flavorName);
  return ctx.transact((draft) => {
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

/**
 * The read-modify-write behind `update` and `remove-attribute`: the flavor is loaded first (imports
 * can be slow), then `change` computes the new config from the record as it is inside the
 * transaction, so concurrent updates of different keys all land.
 */
async function changeConfig(
  ctx: ZenContext,
  type: ComponentType,
  name: string,
  change: (flavor: Awaited<ReturnType<FlavorLoader>>, config: Record<string, unknown>) => Record<string, unknown>,
): Promise<ComponentRecord> {
  componentType(type);
  const preview = await ctx.snapshot();
  const existing = findComponent(preview, type, name);
  if (!existing) throw componentNotFound(preview, type, name);
  const load = ctx.flavorLoader();
  const flavor = await load(type, existing.flavor, existing.package);
  // Fail before the lock on a bad value; the transaction repeats it on the fresh record.
  const intended = change(flavor, existing.config);
  const touched = [...new Set([...Object.keys(intended), ...Object.keys(existing.config)])].filter((key) => !sameValue(intended[key], existing.config[key]));
  const install: InstallCommand = await ctx.prepareInstallCommand();
  return ctx.transact(async (draft) => {
    const record = findComponent(draft, type, name);
    if (!record) throw componentNotFound(draft, type, name);
    // Another writer changed a key this one changes since it was read: refuse rather than overwrite
    // silently (different keys merge; the same new value is no conflict).
    const clashing = touched.filter((key) => !sameValue(record.config[key], existing.config[key]) && !sameValue(record.config[key], intended[key]));
    if (clashing.length > 0) {
      throw new ConflictError(
        `${capitalize(label(type, name))} was changed meanwhile by another update of ${clashing.map((k) => `'${k}'`).join(", ")}; nothing was changed.`,
        {
          code: "ZEN_UPDATE_CONFLICT",
          hint: `Check its new configuration with \`zen ${componentType(type).cliGroup} describe ${name}\`, then update again if it should still change.`,
        },
      );
    }
    const current = record.flavor === existing.flavor ? flavor : await load(type, record.flavor, record.package);
    record.config = change(current, record.config);
    record.updatedAt = now();
    // The change must keep every stack that uses the component valid (flavors' cross-component rules).
    for (const stack of draft.stacks.filter((s) => s.components[type] === name)) {
      await assertValidStack(draft, stack, load, install, "update");
    }
    return structuredClone(record);
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function updateComponent(ctx: ZenContext, type: ComponentType, name: string, raw: Record<string, unknown>): Promise<ComponentRecord> {
  const { parseComponentConfig } = await import("../config-values.ts");
  return changeConfig(ctx, type, name, (flavor, config) => parseComponentConfig(flavor, raw, config, { cwd: ctx.state.cwd }));
}

export async function removeComponentAttributes(ctx: ZenContext, type: ComponentType, name: string, keys: readonly string[]): Promise<ComponentRecord> {
  const { removeConfigKeys } = await import("../config-values.ts");
  return changeConfig(ctx, type, name, (flavor, config) => removeConfigKeys(flavor, config, keys));
}

export async function renameComponent(ctx: ZenContext, type: ComponentType, name: string, newName: string): Promise<ComponentRecord> {
  const info = componentType(type);
  validateName(info.displayName, newName);
  return ctx.transact((draft) => {
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

export async function deleteComponent(ctx: ZenContext, type: ComponentType, name: string): Promise<void> {
  const info = componentType(type);
  await ctx.transact((draft) => {
    const record = findComponent(draft, type, name);
    if (!record) throw componentNotFound(draft, type, name);
    const users = draft.stacks.filter((s) => s.components[type] === name).map((s) => s.name);
    if (users.length > 0) {
      const first = users[0]!;
      const many = users.length > 1;
      const stacks = many ? "those stacks" : "the stack";
      const orDelete = `or delete ${many ? "them" : "it"} (\`zen stack delete ${first}\`).`;
      throw new ConflictError(`Cannot delete ${label(type, name)}: it is part of ${many ? "stacks" : "stack"} ${users.map((u) => `'${u}'`).join(", ")}.`, {
        hint: info.required
          ? `Give ${stacks} another ${info.displayName} first (\`zen stack update ${first} -${info.shortOption} <other>\`) ${orDelete}`
          : `Remove it from ${stacks} first (\`zen stack remove-component ${first} -${info.shortOption}\`) ${orDelete}`,
      });
    }
    draft.components.splice(draft.components.indexOf(record), 1);
  });
}
