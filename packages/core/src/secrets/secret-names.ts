/**
 * What a secret name and a secret key may look like. The character sets follow SECRET_REFERENCE
 * (`{{name.key}}`): a name may contain dots, a key may not, so every reference parses one way.
 * Both must start with a letter, digit or underscore so they can't be mistaken for CLI options.
 */
import { ValidationError } from "../errors.ts";

const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SECRET_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const MAX_LENGTH = 128;

export function isValidSecretName(name: string): boolean {
  return name.length <= MAX_LENGTH && SECRET_NAME.test(name) && !name.endsWith(".");
}

export function isValidSecretKey(key: string): boolean {
  return key.length <= MAX_LENGTH && SECRET_KEY.test(key);
}

export function assertValidSecretName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !isValidSecretName(name)) {
    throw new ValidationError(`Invalid secret name '${String(name)}'.`, {
      hint: `Use letters, digits, '_', '-' and '.' (at most ${MAX_LENGTH} characters), starting with a letter, digit or '_'.`,
    });
  }
}

export function assertValidSecretKey(secretName: string, key: string): void {
  if (!isValidSecretKey(key)) {
    throw new ValidationError(`Invalid key '${key}' in secret '${secretName}'.`, {
      hint: `Use letters, digits, '_' and '-' (at most ${MAX_LENGTH} characters), starting with a letter, digit or '_'.`,
    });
  }
}

/** Checks a secret's name, keys and values; never echoes a value. */
export function assertValidSecretValues(secretName: string, values: unknown): asserts values is Record<string, string> {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ValidationError(`The values of secret '${secretName}' must be an object of key/value strings.`, {
      hint: `Pass them as --key=value, e.g. \`zen secret register ${secretName} --password=...\`.`,
    });
  }
  const entries = Object.entries(values);
  if (entries.length === 0) {
    throw new ValidationError(`Secret '${secretName}' has no keys.`, {
      hint: `Give it at least one key, e.g. \`zen secret register ${secretName} --password=...\`.`,
    });
  }
  for (const [key, value] of entries) {
    assertValidSecretKey(secretName, key);
    if (typeof value !== "string") {
      throw new ValidationError(`The value of key '${key}' in secret '${secretName}' is not a string.`, {
        hint: "Secret values are strings; convert numbers and other values to text first.",
      });
    }
  }
}
