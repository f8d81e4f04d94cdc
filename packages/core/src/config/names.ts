/** Names of profiles, stacks and components: safe as file names, in URLs and on a command line. */
import { ValidationError } from "../errors.ts";

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Names JavaScript objects already answer to (`constructor`, `toString`, …). They are refused rather
 * than supported: a name is used as a key in many places (stores, config files, plugin code), and
 * one plain-object lookup anywhere would find the built-in instead of the user's entry.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/** `what` is e.g. "stack", "profile", "artifact store". */
export function validateName(what: string, name: string): void {
  if (typeof name !== "string" || !NAME_PATTERN.test(name) || name.length > 128) {
    throw new ValidationError(`Invalid ${what} name ${JSON.stringify(name)}.`, {
      hint: "Use letters, digits, '_', '.' and '-', starting with a letter or digit (at most 128 characters).",
    });
  }
  if (isReservedName(name)) {
    const builtIns = [...RESERVED_NAMES].filter((n) => !n.startsWith("__")).join(", ");
    throw new ValidationError(`Invalid ${what} name ${JSON.stringify(name)}: it is reserved.`, {
      hint: `Names that JavaScript objects already carry (${builtIns}) cannot be used; choose another.`,
    });
  }
}
