/** Moving stacks: copy within or across profiles, export to a document, import from one. */
import { componentType, type ComponentType } from "../component-types.ts";
import { validateName } from "../config/names.ts";
import { ConflictError } from "../errors.ts";
import { assertValidStack, checkFlavors, invalidStackError, resolveComponents, type FlavorLoader } from "../stack-validation.ts";
import { buildStackExport, mergeComponents, readStackExport, type ImportedComponent, type IncomingComponent } from "../stack-transfer.ts";
import type { StackRecord } from "../store/records.ts";
import type { StackExport } from "../zen-api.ts";
import { now, type ZenContext } from "./context.ts";

export async function copyStack(ctx: ZenContext, name: string, newName: string, options: { toProfile?: string | undefined } = {}): Promise<StackRecord> {
  validateName("stack", newName);
  const fromProfile = ctx.profileName;
  const toProfile = options.toProfile ?? fromProfile;
  if (toProfile !== fromProfile) ctx.profileEntry(toProfile);
  const { stack, snapshot } = await ctx.stackRecord(name);
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
  const load = ctx.flavorLoader(toProfile);
  const install = await ctx.prepareInstallCommand();
  const copied = await ctx.transact(async (draft) => {
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
    if (addedFlavors.length > 0) ctx.forgetRegistries(toProfile);
    const targetLoad: FlavorLoader =
      addedFlavors.length > 0 ? async (type, flavor, pkg) => (await ctx.registry(toProfile, draft.flavors)).load(type, flavor, { package: pkg }) : load;
    await assertValidStack(draft, record, targetLoad, install, "register");
    draft.stacks.push(record);
    return structuredClone(record);
  }, toProfile);
  ctx.forgetRegistries();
  return copied;
}

export async function exportStack(ctx: ZenContext, name: string): Promise<StackExport> {
  const { stack, snapshot } = await ctx.stackRecord(name);
  const { records, unknown } = resolveComponents(snapshot, stack);
  if (unknown[0]) throw unknown[0];
  const { corePackage } = await import("../discovery/core-package.ts");
  const { maskStoredSecrets } = await import("./shown-config.ts");
  const shown = Object.fromEntries(
    await Promise.all(Object.entries(records).map(async ([type, record]) => [type, (await maskStoredSecrets(ctx, [record]))[0]!] as const)),
  );
  return buildStackExport(stack, shown as typeof records, corePackage().version);
}

export async function importStack(
  ctx: ZenContext,
  doc: unknown,
  options: { name?: string | undefined; source?: string | undefined } = {},
): Promise<StackRecord> {
  const imported = readStackExport(doc, options.source);
  const name = options.name ?? imported.stackName;
  validateName("stack", name);
  const load = ctx.flavorLoader();
  const install = await ctx.prepareInstallCommand();
  const { parseComponentConfig } = await import("../config-values.ts");
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
    const pkg = (await ctx.flavorPackage(type, component.flavor)) ?? component.package;
    incoming.push({
      type,
      name: component.name,
      flavor: component.flavor,
      config: parseComponentConfig(flavors[type]!, component.config, {}, { cwd: ctx.state.cwd }),
      ...(pkg ? { package: pkg } : {}),
    });
  }
  return ctx.transact(async (draft) => {
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
