/**
 * The on-disk format of a local secrets file: one AES-256-GCM envelope around the whole payload, so
 * secret names are as private as their values. The file holds only `format_version`, `iv`, `tag`
 * and `ciphertext`; the format version and the owning component's id are bound in as additional
 * authenticated data, so editing the version or swapping in another component's file is detected.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ZenError } from "../errors.ts";

export const SECRETS_FILE_FORMAT_VERSION = 1;
const ALGORITHM = "aes-256-gcm";
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export interface EncryptedEnvelope {
  format_version: number;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface FileContext {
  /** The secrets file, named in errors. */
  path: string;
  /** The key file, named in errors. */
  keyPath: string;
  /** Bound into the authentication tag. */
  ownerId: string;
}

function associatedData(version: number, ownerId: string): Buffer {
  return Buffer.from(`zen-secrets:v${version}:${ownerId}`, "utf8");
}

export function encrypt(plaintext: string, key: Buffer, ownerId: string): EncryptedEnvelope {
  // A fresh random IV for every write: GCM is broken by reusing an IV under the same key.
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(associatedData(SECRETS_FILE_FORMAT_VERSION, ownerId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    format_version: SECRETS_FILE_FORMAT_VERSION,
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  };
}

/** Parses and checks the envelope's shape (no key needed). */
export function parseEnvelope(text: string, context: FileContext): EncryptedEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(context, "it is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw damaged(context, "it is not a JSON object");
  const envelope = parsed as Partial<EncryptedEnvelope>;
  if (typeof envelope.format_version !== "number") throw damaged(context, "it has no format_version");
  if (envelope.format_version > SECRETS_FILE_FORMAT_VERSION) {
    throw new ZenError(
      `The secrets file ${context.path} was written by a newer zen ` +
        `(format version ${envelope.format_version}; this zen reads up to ${SECRETS_FILE_FORMAT_VERSION}).`,
      { code: "ZEN_SECRETS_FILE_VERSION", hint: "Upgrade zen to read and change these secrets." },
    );
  }
  for (const field of ["iv", "tag", "ciphertext"] as const) {
    if (typeof envelope[field] !== "string") throw damaged(context, `its '${field}' field is missing`);
  }
  return envelope as EncryptedEnvelope;
}

export function decrypt(envelope: EncryptedEnvelope, key: Buffer, context: FileContext): string {
  const iv = Buffer.from(envelope.iv, "base64");
  const tag = Buffer.from(envelope.tag, "base64");
  if (iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) throw undecryptable(context);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(associatedData(envelope.format_version, context.ownerId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    // GCM authentication failed: wrong key, or the file was changed after it was written.
    throw undecryptable(context);
  }
}

function undecryptable(context: FileContext): ZenError {
  return new ZenError(`The secrets file ${context.path} can't be decrypted with the key file ${context.keyPath}.`, {
    code: "ZEN_SECRETS_UNDECRYPTABLE",
    hint:
      `Either the key file was replaced or the secrets file was modified. Restore the original ${context.keyPath} ` +
      `(or the secrets file) from a backup; if neither can be recovered, move ${context.path} aside and register the secrets again.`,
  });
}

export function damaged(context: FileContext, why: string): ZenError {
  return new ZenError(`The secrets file ${context.path} is damaged: ${why}.`, {
    code: "ZEN_SECRETS_FILE_DAMAGED",
    hint: `Restore it from a backup, or move ${context.path} aside and register the secrets again; zen never overwrites it.`,
  });
}

/** The file's text, or `undefined` if it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
