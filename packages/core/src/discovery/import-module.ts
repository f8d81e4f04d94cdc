/** Importing user and package code: ESM or CJS, JavaScript or TypeScript (through tsx). */
import { pathToFileURL } from "node:url";
import { corePackage } from "./core-package.ts";

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

/**
 * Imports a module file. TypeScript goes through tsx's `tsImport` unless core itself runs from
 * TypeScript (jest, tsx, bin/dev.js), whose host already loads `.ts` (and may forbid loader hooks).
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (TYPESCRIPT.test(file) && !corePackage().fromSource) {
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** `import()` of a CJS module nests `module.exports` under `default`, and TypeScript's CJS output nests once more. */
export function unwrapDefault(value: unknown): unknown {
  let current = value;
  for (let i = 0; i < 2; i++) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) break;
    if ((current as { $$type?: unknown }).$$type !== undefined || !("default" in current)) break;
    current = (current as { default: unknown }).default;
  }
  return current;
}

/** The first lines of an error's message: the real cause, without a stack. */
export function causeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const text = lines.slice(0, 2).join(" ");
  return text.length > 400 ? `${text.slice(0, 397)}...` : text || "unknown error";
}

/**
 * The flavor-like entries a flavors module exports: its default export (a list, or one flavor), else
 * its named exports that carry a `$$type`. Undefined when the default export is something else.
 */
export function moduleEntries(ns: Record<string, unknown>): unknown[] | undefined {
  const value = unwrapDefault(ns);
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && value !== null && "$$type" in value) return [value];
  if (!("default" in ns)) return Object.values(ns).filter((v) => typeof v === "object" && v !== null && "$$type" in v);
  return undefined;
}
