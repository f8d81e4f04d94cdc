/**
 * Stack validation, shared by register, update, import, copy and run: required components, component
 * names that exist, every flavor loadable (all missing packages at once, with one install command), and
 * each flavor's own rules about the rest of the stack.
 */
import { COMPONENT_TYPES, componentType, isComponentType, type ComponentType } from "./component-types.ts";
import { NotFoundError, ValidationError, isZenError } from "./errors.ts";
import type { Flavor, StackIssue, StackView } from "./flavor.ts";
import { knownPackageFor } from "./known-packages.ts";
import type { ComponentRecord, StackRecord, StoreSnapshot } from "./store/records.ts";
import { capitalize, listWords } from "./wording.ts";

/** Loads a flavor; `pkg` is the package the component recorded for it (named in the error if it is gone). */
export type FlavorLoader = (type: ComponentType, flavor: string, pkg?: string) => Promise<Flavor>;
/** Builds the install command for packages (the project's package manager, or a global install). */
export type InstallCommand = (packages: readonly string[]) => string;

export function label(type: ComponentType, name: string): string {
  return `${componentType(type).displayName} '${name}'`;
}

export function findComponent(snapshot: StoreSnapshot, type: ComponentType, name: string): ComponentRecord | undefined {
  return snapshot.components.find((c) => c.type === type && c.name === name);
}

export function componentNotFound(snapshot: StoreSnapshot, type: ComponentType, name: string): NotFoundError {
  const info = componentType(type);
  const available = snapshot.components.filter((c) => c.type === type).map((c) => c.name);
  return new NotFoundError(`No ${info.displayName} named '${name}'.`, {
    hint:
      (available.length > 0 ? `Available ${info.pluralDisplayName}: ${available.join(", ")}. ` : `No ${info.pluralDisplayName} are registered. `) +
      `Register one with \`zen ${info.cliGroup} register ${name} --flavor <flavor>\`.`,
  });
}

export function stackNotFound(snapshot: StoreSnapshot, name: string, hint?: string): NotFoundError {
  const available = snapshot.stacks.map((s) => s.name);
  return new NotFoundError(`No stack named '${name}'.`, {
    hint:
      hint ??
      (available.length > 0
        ? `Available stacks: ${available.join(", ")}.`
        : "No stacks are registered: register one with `zen stack register <name> -o <orchestrator> -a <artifact-store> -m <metadata-store>`."),
  });
}

/** Drops empty entries and refuses keys that are not component types. */
export function normalizeComponents(components: Record<string, string | null | undefined>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(components)) {
    if (value === undefined) continue;
    if (!isComponentType(key)) {
      throw new ValidationError(`Unknown component type '${key}'.`, {
        hint: `Component types: ${COMPONENT_TYPES.map((t) => t.key).join(", ")}.`,
      });
    }
    out[key] = value;
  }
  return out;
}

export function missingRequired(stack: StackRecord): ComponentType[] {
  return COMPONENT_TYPES.filter((t) => t.required && !stack.components[t.key]).map((t) => t.key);
}

export function missingRequiredIssue(stack: StackRecord, missing: ComponentType[], command: "register" | "update"): StackIssue {
  const infos = missing.map(componentType);
  const options = infos.map((t) => `-${t.shortOption} <${t.cliGroup}>`).join(" ");
  const names = listWords(infos.map((t) => t.displayName));
  return {
    message: `Stack '${stack.name}' has no ${names}; every stack needs an orchestrator, an artifact store and a metadata store.`,
    hint: `Add ${infos.length > 1 ? "them" : "it"} with \`zen stack ${command} ${stack.name} ${options}\` (see \`zen ${infos[0]!.cliGroup} list\`).`,
  };
}

/** The stack's component records by type; unknown names are reported as issues (or thrown by `resolveOrThrow`). */
export function resolveComponents(
  snapshot: StoreSnapshot,
  stack: StackRecord,
): { records: Partial<Record<ComponentType, ComponentRecord>>; unknown: NotFoundError[] } {
  const records: Partial<Record<ComponentType, ComponentRecord>> = {};
  const unknown: NotFoundError[] = [];
  for (const info of COMPONENT_TYPES) {
    const name = stack.components[info.key];
    if (!name) continue;
    const record = findComponent(snapshot, info.key, name);
    if (record) records[info.key] = record;
    else unknown.push(componentNotFound(snapshot, info.key, name));
  }
  return { records, unknown };
}

export function stackView(stack: StackRecord, records: Partial<Record<ComponentType, ComponentRecord>>): StackView {
  const components: StackView["components"] = {};
  for (const info of COMPONENT_TYPES) {
    const record = records[info.key];
    if (record) components[info.key] = { name: record.name, flavor: record.flavor, config: record.config };
  }
  return { name: stack.name, components };
}

export interface FlavorCheck {
  issues: StackIssue[];
  flavors: Partial<Record<ComponentType, Flavor>>;
}

/**
 * Loads every component's flavor and runs the flavors' stack validators. Flavors that a known but
 * missing package provides are gathered into one issue with one install command.
 */
export async function checkFlavors(
  stack: StackRecord,
  records: Partial<Record<ComponentType, ComponentRecord>>,
  load: FlavorLoader,
  installCommand: InstallCommand,
): Promise<FlavorCheck> {
  const issues: StackIssue[] = [];
  const flavors: Partial<Record<ComponentType, Flavor>> = {};
  const missing = new Map<string, string[]>();
  // One flavor at a time: most are cached after the first load, and concurrent first imports of
  // modules that share dependencies trip a linking race in Node's vm modules (Jest's ESM runner).
  for (const info of COMPONENT_TYPES) {
    const record = records[info.key];
    if (!record) continue;
    try {
      flavors[info.key] = await load(info.key, record.flavor, record.package);
    } catch (error) {
      const provider = record.package ?? knownPackageFor(info.key, record.flavor);
      if (provider && isZenError(error) && error.code === "ZEN_UNKNOWN_FLAVOR") {
        missing.set(provider, [...(missing.get(provider) ?? []), label(info.key, record.name)]);
      } else {
        issues.push({
          message: `${capitalize(label(info.key, record.name))} cannot be used: ${isZenError(error) || error instanceof Error ? error.message : String(error)}`,
          ...(isZenError(error) && error.hint ? { hint: error.hint } : {}),
        });
      }
    }
  }
  if (missing.size > 0) {
    const packages = [...missing.keys()];
    issues.unshift({
      message: `Missing ${packages.length > 1 ? "packages" : "package"}: ${packages.map((p) => `${p} (for ${missing.get(p)!.join(", ")})`).join("; ")}.`,
      hint: `Install ${packages.length > 1 ? "them" : "it"} with \`${installCommand(packages)}\`.`,
    });
  }
  const view = stackView(stack, records);
  for (const info of COMPONENT_TYPES) {
    const flavor = flavors[info.key];
    const record = records[info.key];
    if (!flavor?.validateStack || !record) continue;
    for (const issue of flavor.validateStack(view, { name: record.name, config: record.config })) {
      issues.push({ ...issue, message: `${capitalize(label(info.key, record.name))}: ${issue.message}` });
    }
  }
  return { issues, flavors };
}

/** Every problem with a stack, in the order a user should fix them. */
export async function stackIssues(
  snapshot: StoreSnapshot,
  stack: StackRecord,
  load: FlavorLoader,
  installCommand: InstallCommand,
  command: "register" | "update" = "update",
): Promise<StackIssue[]> {
  const issues: StackIssue[] = [];
  const missing = missingRequired(stack);
  if (missing.length > 0) issues.push(missingRequiredIssue(stack, missing, command));
  const { records, unknown } = resolveComponents(snapshot, stack);
  for (const error of unknown) issues.push({ message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
  issues.push(...(await checkFlavors(stack, records, load, installCommand)).issues);
  return issues;
}

/**
 * The check behind register/update/import/copy: throws on the first kind of problem with the most
 * specific error (missing required → ValidationError, unknown name → NotFoundError), then reports all
 * flavor problems together.
 */
export async function assertValidStack(
  snapshot: StoreSnapshot,
  stack: StackRecord,
  load: FlavorLoader,
  installCommand: InstallCommand,
  command: "register" | "update",
): Promise<void> {
  const missing = missingRequired(stack);
  if (missing.length > 0) {
    const issue = missingRequiredIssue(stack, missing, command);
    throw new ValidationError(issue.message, { hint: issue.hint ?? "", code: "ZEN_STACK_INCOMPLETE" });
  }
  const { records, unknown } = resolveComponents(snapshot, stack);
  if (unknown[0]) throw unknown[0];
  const { issues } = await checkFlavors(stack, records, load, installCommand);
  if (issues.length > 0) throw invalidStackError(stack.name, issues);
}

export function invalidStackError(stackName: string, issues: readonly StackIssue[]): ValidationError {
  const message =
    issues.length === 1
      ? `Stack '${stackName}' is not valid: ${stripPeriod(issues[0]!.message)}.`
      : `Stack '${stackName}' has ${issues.length} problems: ${issues.map((i, n) => `(${n + 1}) ${stripPeriod(i.message)}`).join("; ")}.`;
  const hints = issues.map((i) => i.hint).filter((h): h is string => Boolean(h));
  return new ValidationError(message, { hint: [...new Set(hints)].join(" "), code: "ZEN_STACK_INVALID" });
}

function stripPeriod(text: string): string {
  return text.replace(/[.\s]+$/, "");
}
