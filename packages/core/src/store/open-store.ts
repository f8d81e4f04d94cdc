/** Opens a profile's stack store from its type and URL; the SQLite driver loads only for `sql` profiles. */
import { isAbsolute, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ValidationError } from "../errors.ts";
import type { StackStore, StoreType } from "./records.ts";
import { checkDriverUrl, needsStoreDriver } from "../sql-stores/driver-url.ts";
import { YamlStackStore, type OpenStoreOptions } from "./yaml-stack-store.ts";

export type { OpenStoreOptions };

export const SQL_STORE_FILE = "zen.db";
export const STORE_TYPES: readonly StoreType[] = ["local", "sql"];

export function isStoreType(value: string): value is StoreType {
  return (STORE_TYPES as readonly string[]).includes(value);
}

/** Where a new profile's store lives when no URL is given. */
export function defaultStoreUrl(type: StoreType, profileDir: string): string {
  return type === "local" ? pathToFileURL(profileDir).href : `sqlite://${join(profileDir, SQL_STORE_FILE)}`;
}

/**
 * Accepts a URL (`file:///dir`, `sqlite:///path/zen.db`) or an absolute path and returns the
 * canonical URL, so that what `profile list` shows is what is opened.
 */
export function normalizeStoreUrl(type: StoreType, url: string): string {
  if (type === "sql" && needsStoreDriver(url)) return checkDriverUrl(url);
  return type === "local" ? pathToFileURL(storePath(type, url)).href : `sqlite://${storePath(type, url)}`;
}

export function storePath(type: StoreType, url: string): string {
  const invalid = (why: string) =>
    new ValidationError(`Invalid URL for a ${type} store: '${url}' (${why}).`, {
      hint: type === "local" ? "Use `file:///absolute/dir` or an absolute directory path." : "Use `sqlite:///absolute/path/zen.db` or an absolute file path.",
    });
  if (type === "local") {
    if (url.startsWith("file:")) {
      try {
        return fileURLToPath(url);
      } catch (error) {
        throw invalid((error as Error).message);
      }
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw invalid("only file URLs are supported");
    if (!isAbsolute(url)) throw invalid("the path must be absolute");
    return url;
  }
  if (url.startsWith("sqlite://")) {
    const path = url.slice("sqlite://".length);
    if (!isAbsolute(path)) throw invalid("the path must be absolute");
    return path;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw invalid("only SQLite is supported");
  if (!isAbsolute(url)) throw invalid("the path must be absolute");
  return url;
}

/** Opens a store; with `mustExist` (an existing profile's store) a missing or empty one is an error. */
export async function openStackStore(type: StoreType, url: string, options: OpenStoreOptions = {}): Promise<StackStore> {
  // mysql://, postgresql://…: a driver package contributed through its `zen.stores` entry.
  if (type === "sql" && needsStoreDriver(url)) return (await import("../sql-stores/find-driver.ts")).openDriverStore(url);
  const path = storePath(type, url);
  if (type === "local") return new YamlStackStore(path, options);
  const { SqlStackStore } = await import("./sql-stack-store.ts");
  return SqlStackStore.open(path, options);
}
