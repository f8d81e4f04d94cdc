/** Every persisted file carries a format version; older versions are read, newer ones refused clearly. */
import { ZenError } from "../errors.ts";

/** Reads a file's `format_version`; a file written before versioning counts as version 1. */
export function checkFormatVersion(file: string, value: unknown, current: number): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ZenError(`Malformed '${file}': format_version must be a positive whole number, found ${JSON.stringify(value)}.`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: `Fix the file by hand (zen left it untouched); this version of zen writes format_version ${current}.`,
    });
  }
  if (value > current) {
    throw new ZenError(`'${file}' has format version ${value}, which is newer than this version of zen understands (up to ${current}).`, {
      code: "ZEN_FORMAT_TOO_NEW",
      hint: "It was written by a newer zen: upgrade zen (`npm install -g @zen/cli@latest`), or point ZEN_CONFIG_PATH at another directory.",
    });
  }
  return value;
}
