/**
 * Where a local secrets manager keeps its file, and reading it: the part of the manager that
 * shell completion needs too (secret names on Tab), kept free of the component machinery so it
 * loads in a few milliseconds.
 */
import { join, resolve } from "node:path";
import { ZenError } from "../errors.ts";
import { decrypt, damaged, type FileContext, parseEnvelope, readIfExists } from "./encrypted-file.ts";
import { keyFilePath, readKeyFile } from "./key-file.ts";

export type SecretTable = Map<string, Record<string, string>>;

export interface SecretsFileContext extends FileContext {
  /** The directory holding the secrets file. */
  directory: string;
}

/** The files of the local secrets manager `id`: `<path or configDir/secrets>/<id>.json` and the key `<configDir>/secrets.key`. */
export function secretsFileOf(manager: { id: string; configDir: string; path?: string | undefined }): SecretsFileContext {
  const directory = manager.path ? resolve(manager.configDir, manager.path) : join(manager.configDir, "secrets");
  return { directory, path: join(directory, `${manager.id}.json`), keyPath: keyFilePath(manager.configDir), ownerId: manager.id };
}

/** Reads and decrypts the secrets file with its key; `undefined` when there is no file yet. */
export async function readSecretsFile(context: FileContext): Promise<{ table: SecretTable; key: Buffer } | undefined> {
  const text = await readIfExists(context.path);
  if (text === undefined) return undefined;
  const envelope = parseEnvelope(text, context);
  const key = await readKeyFile(context.keyPath);
  if (!key) {
    // Never create a fresh key next to existing secrets: they would become unreadable for good.
    throw new ZenError(`The secrets key file ${context.keyPath} is missing, so ${context.path} can't be decrypted.`, {
      code: "ZEN_SECRETS_KEY_MISSING",
      hint: `Restore ${context.keyPath} from a backup; if it is lost, move ${context.path} aside and register the secrets again.`,
    });
  }
  return { table: parsePayload(decrypt(envelope, key, context), context), key };
}

/** The names of the secrets a local secrets manager holds, sorted (none when it has no file yet). */
export async function readLocalSecretNames(manager: { id: string; configDir: string; path?: string | undefined }): Promise<string[]> {
  const read = await readSecretsFile(secretsFileOf(manager));
  return read ? [...read.table.keys()].sort() : [];
}

export function serializePayload(table: SecretTable): string {
  // Object.fromEntries defines own properties, so even a secret named `__proto__` round-trips.
  return JSON.stringify({ secrets: Object.fromEntries([...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) });
}

function parsePayload(plaintext: string, context: FileContext): SecretTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    throw damaged(context, "its decrypted content is not valid JSON");
  }
  const secrets = (parsed as { secrets?: unknown } | null)?.secrets;
  if (typeof secrets !== "object" || secrets === null) throw damaged(context, "its decrypted content has no secrets");
  const table: SecretTable = new Map();
  for (const [name, values] of Object.entries(secrets)) {
    if (typeof values !== "object" || values === null || Object.values(values).some((v) => typeof v !== "string")) {
      throw damaged(context, `secret '${name}' is malformed`);
    }
    table.set(name, { ...(values as Record<string, string>) });
  }
  return table;
}
