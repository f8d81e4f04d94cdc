/**
 * A flavor is data plus a lazy implementation. The flavors module of a package imports no SDK:
 * `implementation()` is called only when a component of the flavor is actually used.
 */
import { z } from "zod";
import type { ComponentType } from "./component-types.ts";
import type { StackComponentClass } from "./stack-component.ts";

/** The flavor contract version. A package declares it in `package.json` under `zen.apiVersion`. */
export const FLAVOR_API_VERSION = 1;
/** Brand string: checked instead of `instanceof`, so two copies of @zen/core interoperate. */
export const FLAVOR_BRAND = "@zen/Flavor";

/** `{{secret_name.key}}` */
export const SECRET_REFERENCE = /^\{\{\s*([A-Za-z0-9_.-]+?)\.([A-Za-z0-9_-]+)\s*\}\}$/;
/** JSON-Schema keyword that marks a config field as secret (survives in the cached index). */
export const SECRET_KEYWORD = "x-zen-secret";

/** One problem a flavor's stack validator found. */
export interface StackIssue {
  /** What is wrong, as a sentence. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

/** What a flavor's validator sees: the stack's components by type (records, no implementation). */
export interface StackView {
  name: string;
  components: Partial<Record<ComponentType, { name: string; flavor: string; config: Record<string, unknown> }>>;
}

export interface FlavorSpec<Config extends Record<string, unknown> = Record<string, unknown>> {
  type: ComponentType;
  name: string;
  description: string;
  /** A zod object schema for the component's configuration. */
  config: z.ZodType<Config>;
  /** Imports the implementation (the StackComponent subclass) on first use. */
  implementation: () => Promise<StackComponentClass<Config> | { default: StackComponentClass<Config> }>;
  /** Checks the rest of the stack; runs on register/update and before every run. */
  validateStack?: (stack: StackView, self: { name: string; config: Config }) => StackIssue[];
}

export interface Flavor<Config extends Record<string, unknown> = Record<string, unknown>> extends FlavorSpec<Config> {
  readonly $$type: typeof FLAVOR_BRAND;
  readonly apiVersion: number;
}

export function defineFlavor<Config extends Record<string, unknown>>(spec: FlavorSpec<Config>): Flavor<Config> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(spec.name)) {
    throw new Error(`Invalid flavor name '${spec.name}': use lower-case letters, digits, '-' and '_'.`);
  }
  return Object.freeze({ ...spec, $$type: FLAVOR_BRAND, apiVersion: FLAVOR_API_VERSION });
}

export function isFlavor(value: unknown): value is Flavor {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Flavor).$$type === FLAVOR_BRAND &&
    typeof (value as Flavor).name === "string" &&
    typeof (value as Flavor).implementation === "function"
  );
}

/**
 * A config field holding a secret: it only accepts a reference `{{secret_name.key}}`, resolved through
 * the stack's secrets manager when the component is used, so the value is never stored in clear.
 */
export function secretField(description?: string) {
  return z
    .string()
    .regex(SECRET_REFERENCE, {
      message:
        "must be a secret reference like {{my_secret.key}}, not the secret itself (store it with `zen secret register my_secret --key=...`)",
    })
    .meta({ [SECRET_KEYWORD]: true, ...(description ? { description } : {}) });
}

/** Loads a flavor's implementation class, unwrapping a default export (CJS or ESM). */
export async function loadImplementation(flavor: Flavor): Promise<StackComponentClass> {
  let loaded: unknown = await flavor.implementation();
  for (let i = 0; i < 2 && typeof loaded === "object" && loaded !== null && "default" in loaded; i++) {
    loaded = (loaded as { default: unknown }).default;
  }
  if (typeof loaded !== "function") {
    throw new Error(`The implementation of ${flavor.type} flavor '${flavor.name}' is not a class.`);
  }
  return loaded as StackComponentClass;
}
