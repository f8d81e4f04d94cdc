/**
 * The cheap, synchronous part of handling a database URL for a profile store, safe on the start-up
 * path: is it a driver's URL at all, and is it free of a password. The driver checks the rest when
 * the profile's store is opened (which `zen profile create` does before recording the profile).
 */
import { ValidationError } from "../errors.ts";

const STORE_PASSWORD_ENV = "ZEN_STORE_PASSWORD";

/** True for URLs a driver handles: any `scheme://` but the built-in `file:` and `sqlite:`. */
export function needsStoreDriver(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== "file" && scheme !== "sqlite";
}

/** Refuses a URL with a password in it (it would be written into zen's config); returns it unchanged otherwise. */
export function checkDriverUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw new ValidationError(`The store URL '${url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@")}' contains a password.`, {
      hint: `Leave it out of the URL: set ${STORE_PASSWORD_ENV}, or name an owner-only file with ?password_file=/path.`,
    });
  }
  return url;
}
