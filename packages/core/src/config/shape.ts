/**
 * Checks the shape of a parsed config file and names the file and field in errors. Hand-written
 * rather than zod: it runs on every `zen` start, and zod alone would cost more than Node's startup.
 */
import { ZenError } from "../errors.ts";

export class Shape {
  constructor(readonly file: string) {}

  fail(path: string, expected: string, value: unknown): never {
    throw new ZenError(`Malformed '${this.file}': ${path} must be ${expected}, found ${describe(value)}.`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: `Fix the file by hand; zen left it untouched. To start afresh instead, move it aside (e.g. \`mv '${this.file}' '${this.file}.bak'\`).`,
    });
  }

  /** A mapping; a missing (null/undefined) value counts as empty. */
  mapping(value: unknown, path: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) this.fail(path, "a mapping", value);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string" || value.length === 0) this.fail(path, "a non-empty string", value);
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `one of ${allowed.join(", ")}`, value);
    }
    return value as T;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
