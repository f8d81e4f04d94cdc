/**
 * Moving stacks between files and profiles: the self-describing export document, reading it back
 * (also ZenML 0.9's export format), and merging a stack's components into another store without
 * ever silently replacing a differently configured component.
 */
import { COMPONENT_TYPES, componentType, isComponentType, type ComponentType } from "./component-types.ts";
import { ConflictError, ValidationError } from "./errors.ts";
import type { ComponentRecord, StackRecord, StoreSnapshot } from "./store/records.ts";
import { capitalize, withArticle } from "./wording.ts";
import type { StackExport } from "./zen-api.ts";

export const STACK_EXPORT_FORMAT = "zen-stack";
export const STACK_EXPORT_FORMAT_VERSION = 1;

export function buildStackExport(stack: StackRecord, records: Partial<Record<ComponentType, ComponentRecord>>, zenVersion: string): StackExport {
  const components: StackExport["components"] = {};
  for (const info of COMPONENT_TYPES) {
    const record = records[info.key];
    // Secret fields hold `{{name.key}}` references, never values, so the config is exported as stored.
    if (record) {
      components[info.key] = {
        name: record.name,
        flavor: record.flavor,
        ...(record.package ? { package: record.package } : {}),
        config: structuredClone(record.config),
      };
    }
  }
  return { format: STACK_EXPORT_FORMAT, formatVersion: STACK_EXPORT_FORMAT_VERSION, zenVersion, stack: { name: stack.name }, components };
}

/** What an import needs, whichever format the document was in. */
export interface StackImport {
  stackName: string;
  components: Partial<Record<ComponentType, ImportedComponent>>;
}

export interface ImportedComponent {
  name: string;
  flavor: string;
  /** The npm package providing the flavor, when the exporting machine had it from one. */
  package?: string;
  config: Record<string, unknown>;
}

function invalid(why: string): ValidationError {
  return new ValidationError(`This is not a stack export: ${why}.`, {
    hint: "Import a file written by `zen stack export` (or by ZenML 0.9's `zenml stack export`).",
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type ComponentEntry = Record<string, unknown> & { name: string; flavor: string };

/** An export's `components` mapping (both formats): each key a component type, each entry named and with a flavor. */
function componentEntries(components: unknown): [ComponentType, ComponentEntry][] {
  if (!isMapping(components)) throw invalid("'components' must be a mapping");
  return Object.entries(components).map(([type, value]) => {
    if (!isComponentType(type)) throw invalid(`unknown component type '${type}'`);
    if (!isMapping(value) || typeof value.name !== "string" || typeof value.flavor !== "string") {
      throw invalid(`'components.${type}' needs a name and a flavor`);
    }
    return [type, value as ComponentEntry];
  });
}

/**
 * Reads a `zen-stack` document of any format version up to ours, or a ZenML 0.9 export
 * (`zenml_version`, `stack_name`, `components: {type: {name, flavor, ...config}}`).
 */
export function readStackExport(doc: unknown, source?: string): StackImport {
  try {
    return readExport(doc);
  } catch (error) {
    if (source === undefined || !(error instanceof ValidationError)) throw error;
    // The file the document came from, so the message says which file to fix.
    const what = error.message.charAt(0).toLowerCase() + error.message.slice(1);
    throw new ValidationError(`Cannot import '${source}': ${what}`, { hint: error.hint, code: error.code });
  }
}

function readExport(doc: unknown): StackImport {
  if (!isMapping(doc)) throw invalid("expected a mapping");
  if (doc.format === undefined && "zenml_version" in doc) return readZenmlExport(doc);
  if (doc.format !== STACK_EXPORT_FORMAT) throw invalid(`'format' must be '${STACK_EXPORT_FORMAT}'`);
  const version = doc.formatVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw invalid("'formatVersion' must be a positive whole number");
  if (version > STACK_EXPORT_FORMAT_VERSION) {
    throw new ValidationError(
      `The stack export has format version ${version}, which is newer than this version of zen reads (up to ${STACK_EXPORT_FORMAT_VERSION}).`,
      { hint: "Upgrade zen (`npm install -g @zen/cli@latest`), or export the stack again with this version.", code: "ZEN_FORMAT_TOO_NEW" },
    );
  }
  const stackName = isMapping(doc.stack) ? doc.stack.name : undefined;
  if (typeof stackName !== "string" || stackName === "") throw invalid("'stack.name' is missing");
  const components: StackImport["components"] = {};
  for (const [type, value] of componentEntries(doc.components)) {
    const config = value.config ?? {};
    if (!isMapping(config)) throw invalid(`'components.${type}.config' must be a mapping`);
    if (value.package !== undefined && (typeof value.package !== "string" || value.package === "")) {
      throw invalid(`'components.${type}.package' must be a package name`);
    }
    components[type] = { name: value.name, flavor: value.flavor, ...(value.package ? { package: value.package } : {}), config: { ...config } };
  }
  return { stackName, components };
}

function readZenmlExport(doc: Record<string, unknown>): StackImport {
  const stackName = doc.stack_name;
  if (typeof stackName !== "string" || stackName === "") throw invalid("'stack_name' is missing");
  const components: StackImport["components"] = {};
  for (const [type, value] of componentEntries(doc.components)) {
    const { name, flavor, uuid: _uuid, ...config } = value;
    for (const [key, v] of Object.entries(config)) if (v === null) delete config[key];
    components[type] = { name, flavor, config };
  }
  return { stackName, components };
}

/** Deep equality of plain JSON-like values (key order ignored). */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameConfig(v, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => sameConfig(a[k], b[k]));
  }
  return false;
}

export interface IncomingComponent {
  type: ComponentType;
  name: string;
  flavor: string;
  config: Record<string, unknown>;
  package?: string;
  /** Kept when copying between profiles, so component state keyed by id (local secrets) stays reachable. */
  id?: string;
}

export type ClashPolicy =
  /** Import: a differently configured component with the same name is an error. */
  | { kind: "refuse" }
  /** Copy: it is added under a new name derived from the new stack's name. */
  | { kind: "rename"; suffix: string };

/**
 * Adds the stack's components to `draft`: reuses identical ones (same type, name, flavor and
 * config), adds missing ones, and refuses or renames clashing ones. Returns the names to use.
 */
export function mergeComponents(
  draft: StoreSnapshot,
  incoming: readonly IncomingComponent[],
  policy: ClashPolicy,
  now: string,
): Partial<Record<ComponentType, string>> {
  const chosen: Partial<Record<ComponentType, string>> = {};
  for (const component of incoming) {
    const info = componentType(component.type);
    const same = (c: ComponentRecord, name: string) => c.type === component.type && c.name === name;
    let name = component.name;
    let existing = draft.components.find((c) => same(c, name));
    if (existing && !(existing.flavor === component.flavor && sameConfig(existing.config, component.config))) {
      if (policy.kind === "refuse") {
        throw new ConflictError(`${capitalize(withArticle(info.displayName))} named '${name}' already exists with a different configuration.`, {
          hint: `Rename the existing one (\`zen ${info.cliGroup} rename ${name} <new-name>\`) or change the component's name in the file, then import again.`,
        });
      }
      // Find a free name, or an identical component already copied under such a name.
      for (let n = 1; ; n++) {
        name = n === 1 ? `${component.name}-${policy.suffix}` : `${component.name}-${policy.suffix}-${n}`;
        existing = draft.components.find((c) => same(c, name));
        if (!existing || (existing.flavor === component.flavor && sameConfig(existing.config, component.config))) break;
      }
    }
    if (!existing) {
      const idTaken = component.id === undefined || draft.components.some((c) => c.id === component.id);
      draft.components.push({
        id: idTaken ? crypto.randomUUID() : component.id!,
        name,
        type: component.type,
        flavor: component.flavor,
        config: structuredClone(component.config),
        ...(component.package ? { package: component.package } : {}),
        createdAt: now,
        updatedAt: now,
      });
    }
    chosen[component.type] = name;
  }
  return chosen;
}
