/** Flavors: the registry's list, discovery problems and report, and custom flavors registered from a module. */
import { join } from "node:path";
import { componentType, type ComponentType } from "../component-types.ts";
import type { DiscoveryProblem, FlavorInfo } from "../discovery/flavor-info.ts";
import type { DiscoveryReport } from "../discovery/report.ts";
import type { RegisteredCustomFlavor } from "../discovery/custom-flavor-name.ts";
import { ConflictError } from "../errors.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import type { ZenContext } from "./context.ts";

export async function listFlavors(ctx: ZenContext, type?: ComponentType): Promise<FlavorInfo[]> {
  return (await ctx.registry()).list(type);
}

/** The full discovery report, rediscovered without the cache (`zen doctor`). */
export async function discoveryReport(ctx: ZenContext): Promise<DiscoveryReport> {
  const { discoveryReport } = await import("../discovery/report.ts");
  return discoveryReport({
    projectRoot: ctx.projectRoot(),
    cliRoot: ctx.state.cliRoot,
    cacheDir: join(ctx.state.configDir, "cache"),
    fresh: true,
  });
}

export async function discoveryProblems(ctx: ZenContext): Promise<DiscoveryProblem[]> {
  return (await ctx.registry()).problems();
}

export async function registerCustomFlavor(
  ctx: ZenContext,
  type: ComponentType,
  specifier: string,
  options: { replace?: boolean } = {},
): Promise<RegisteredCustomFlavor> {
  const root = ctx.flavorRoot();
  // Import it now: a bad module is refused with the real error, and nothing is stored.
  const { loadCustomFlavor } = await import("../discovery/custom-flavor.ts");
  const { customFlavorOutcome } = await import("../discovery/custom-flavor-name.ts");
  const flavor = await loadCustomFlavor({ type, specifier, root });
  const record: CustomFlavorRecord = { type, name: flavor.name, specifier, root };
  const same = (f: CustomFlavorRecord) => f.type === type && f.name === flavor.name;
  const snapshot = await ctx.snapshot();
  const existing = snapshot.flavors.find(same);
  // Refused (built-in, package, another module without --replace) before anything is stored.
  const outcome = await customFlavorOutcome(await ctx.registry(), record, existing, options.replace === true);
  // The registry must accept and load it with the record in place.
  const registry = await ctx.registry(ctx.profileName, [...snapshot.flavors.filter((f) => !same(f)), record]);
  await registry.load(type, flavor.name);
  const found = (await registry.find(type, flavor.name))!;
  if (outcome !== "unchanged") {
    await ctx.transact((draft) => {
      const index = draft.flavors.findIndex(same);
      const before = index >= 0 ? draft.flavors[index] : undefined;
      if (before && outcome !== "replaced" && (before.specifier !== specifier || before.root !== root)) {
        // Registered from another module since we looked: the same rule, inside the lock.
        throw new ConflictError(`The custom ${componentType(type).displayName} flavor '${flavor.name}' was just registered from ${before.specifier}.`, {
          hint: "Run the command again (with --replace to replace it).",
        });
      }
      if (index >= 0) draft.flavors[index] = record;
      else draft.flavors.push(record);
    });
  }
  ctx.forgetRegistries();
  return {
    ...((await (await ctx.registry()).find(type, flavor.name)) ?? found),
    outcome,
    ...(outcome === "replaced" && existing ? { replaced: existing.specifier } : {}),
  };
}
