/**
 * Whether a custom flavor may be registered under the name its module gives it. A built-in's name and
 * an installed package's flavor are never taken; a custom flavor of that name from another module is
 * replaced only on request (components using the name would silently run different code); the same
 * module again changes nothing.
 */
import { componentType } from "../component-types.ts";
import { ConflictError } from "../errors.ts";
import type { CustomFlavorRecord } from "../store/records.ts";
import type { FlavorInfo } from "./flavor-info.ts";
import type { FlavorRegistry } from "./flavor-registry-api.ts";

export type CustomFlavorOutcome = "registered" | "replaced" | "unchanged";

/** What registering a custom flavor did; `replaced` names the module it replaced. */
export interface RegisteredCustomFlavor extends FlavorInfo {
  outcome: CustomFlavorOutcome;
  replaced?: string;
}

function shown(record: Pick<CustomFlavorRecord, "specifier" | "root">, other: Pick<CustomFlavorRecord, "specifier" | "root">): string {
  // The same specifier from two roots is two modules: say which root.
  return record.specifier === other.specifier ? `${record.specifier} (from ${record.root})` : record.specifier;
}

export async function customFlavorOutcome(
  registry: FlavorRegistry,
  record: CustomFlavorRecord,
  existing: CustomFlavorRecord | undefined,
  replace: boolean,
): Promise<CustomFlavorOutcome> {
  const info = componentType(record.type);
  const rename = `Give the flavor in ${record.specifier} another name.`;
  for (const source of await registry.claims(record.type, record.name)) {
    if (source.kind === "builtin") {
      throw new ConflictError(`The ${info.displayName} flavor '${record.name}' is built into zen; a custom flavor cannot take its name.`, {
        hint: rename,
        code: "ZEN_FLAVOR_NAME_TAKEN",
      });
    }
    if (source.kind === "package") {
      throw new ConflictError(
        `The ${info.displayName} flavor '${record.name}' is provided by the installed package ${source.package}; a custom flavor cannot take its name.`,
        { hint: rename, code: "ZEN_FLAVOR_NAME_TAKEN" },
      );
    }
  }
  if (!existing) return "registered";
  if (existing.specifier === record.specifier && existing.root === record.root) return "unchanged";
  if (replace) return "replaced";
  throw new ConflictError(
    `The custom ${info.displayName} flavor '${record.name}' is already registered from ${shown(existing, record)}, not ${shown(record, existing)}.`,
    {
      hint: `Pass --replace to replace it (components using '${record.name}' then run the new module), or give the flavor in ${record.specifier} another name.`,
      code: "ZEN_FLAVOR_NAME_TAKEN",
    },
  );
}
