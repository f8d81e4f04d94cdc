/** Importing a custom flavor (`module#export`), with the real import error when that fails. */
import { componentType, isComponentType, type ComponentType } from "../component-types.ts";
import { ValidationError, ZenError } from "../errors.ts";
import { FLAVOR_API_VERSION, isFlavor, type Flavor } from "../flavor.ts";
import { parseFlavorSpecifier, resolveCustomModule } from "./custom-module.ts";
import { causeMessage, importModule, unwrapDefault } from "./import-module.ts";

export interface CustomFlavorLoadRequest {
  type: ComponentType;
  specifier: string;
  /** Directory the module is resolved from (the project root). */
  root: string;
  /** When given (a stored record), the flavor must still carry this name. */
  name?: string;
}

/**
 * Imports and checks a custom flavor: used at registration (`zen <type> flavor register`) to refuse
 * a bad module at once, and by the registry when a component of the flavor is used.
 */
export async function loadCustomFlavor(request: CustomFlavorLoadRequest): Promise<Flavor> {
  const { module, exportName } = parseFlavorSpecifier(request.specifier);
  const file = resolveCustomModule(module, request.root);
  const group = componentType(request.type).cliGroup;
  let ns: Record<string, unknown>;
  try {
    ns = await importModule(file);
  } catch (error) {
    throw new ZenError(`Could not import '${module}': ${causeMessage(error)}`, {
      hint: `Fix the module (it is resolved from ${request.root}); run with ZEN_DEBUG=1 for the stack trace.`,
      code: "ZEN_CUSTOM_FLAVOR",
      cause: error,
    });
  }
  let value: unknown;
  if (exportName === "default") value = unwrapDefault(ns);
  else value = exportName in ns ? ns[exportName] : (unwrapDefault(ns) as Record<string, unknown> | undefined)?.[exportName];
  if (value === undefined) {
    const names = Object.keys(ns).filter((name) => name !== "module.exports" && name !== "__esModule");
    throw new ValidationError(`Module '${module}' has no export '${exportName}'.`, {
      hint: names.length ? `Its exports: ${names.join(", ")}. Use ${module}#<export>.` : `Export the flavor from '${module}'.`,
    });
  }
  if (!isFlavor(value)) {
    throw new ValidationError(`Export '${exportName}' of '${module}' is not a flavor.`, {
      hint: "Create it with defineFlavor({ type, name, description, config, implementation }) from @zen/core.",
    });
  }
  if (!isComponentType(value.type)) {
    throw new ValidationError(`Flavor '${value.name}' in '${module}' has unknown component type '${String(value.type)}'.`, {
      hint: "Use one of the component type keys, e.g. artifact_store.",
    });
  }
  if (value.apiVersion !== FLAVOR_API_VERSION) {
    const message = `Flavor '${value.name}' in '${module}' is built for flavor API version ${value.apiVersion}, not ${FLAVOR_API_VERSION}.`;
    throw new ValidationError(message, { hint: "Rebuild it against the installed @zen/core." });
  }
  if (value.type !== request.type) {
    const actual = componentType(value.type);
    const expected = componentType(request.type);
    throw new ValidationError(`'${request.specifier}' is ${article(actual.displayName)} flavor, not ${article(expected.displayName)} flavor.`, {
      hint: `Register it with \`zen ${actual.cliGroup} flavor register ${request.specifier}\`.`,
    });
  }
  if (request.name !== undefined && value.name !== request.name) {
    const display = componentType(request.type).displayName;
    throw new ZenError(`The custom ${display} flavor '${request.name}' is now named '${value.name}' in '${module}'.`, {
      hint: `Register it again with \`zen ${group} flavor register ${request.specifier}\`.`,
      code: "ZEN_CUSTOM_FLAVOR",
    });
  }
  return value;
}

function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}
