/** Names of profiles, stacks and components: safe as file names, in URLs and on a command line. */
import { ValidationError } from "../errors.ts";

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `what` is e.g. "stack", "profile", "artifact store". */
export function validateName(what: string, name: string): void {
  if (typeof name !== "string" || !NAME_PATTERN.test(name) || name.length > 128) {
    throw new ValidationError(`Invalid ${what} name ${JSON.stringify(name)}.`, {
      hint: "Use letters, digits, '_', '.' and '-', starting with a letter or digit (at most 128 characters).",
    });
  }
}
