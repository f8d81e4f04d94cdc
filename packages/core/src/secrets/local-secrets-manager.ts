/**
 * The `local` secrets manager: secrets encrypted at rest in `<path>/<component id>.json` with the
 * key in `<configDir>/secrets.key` (mode 0600). The whole payload — names, keys and values — is one
 * AES-256-GCM ciphertext (see encrypted-file.ts). Every change is a read-modify-write under a lock on
 * the secrets file, written atomically, so concurrent `zen` processes never lose an update and a
 * crash never leaves a half-written file.
 */
import { BaseSecretsManager, type Secret } from "../components/secrets-manager.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ensurePrivateDir, writeFileAtomic } from "../fs/atomic-write.ts";
import { withLock } from "../fs/lock.ts";
import { encrypt } from "./encrypted-file.ts";
import { readOrCreateKeyFile } from "./key-file.ts";
import { readSecretsFile, type SecretsFileContext, type SecretTable, secretsFileOf, serializePayload } from "./local-secrets-file.ts";
import { assertValidSecretName, assertValidSecretValues } from "./secret-names.ts";

// A type alias, not an interface, so it fits `Record<string, unknown>` (flavor configs, BaseSecretsManager's default).
export type LocalSecretsManagerConfig = {
  /** Directory of the secrets files; relative paths are taken from the config directory. Default `<configDir>/secrets`. */
  path?: string;
};

export class LocalSecretsManager extends BaseSecretsManager<LocalSecretsManagerConfig> {
  /** The directory holding this manager's secrets file. */
  get secretsDirectory(): string {
    return this.fileContext.directory;
  }

  get secretsFilePath(): string {
    return this.fileContext.path;
  }

  get keyFilePath(): string {
    return this.fileContext.keyPath;
  }

  async registerSecret(secret: Secret): Promise<void> {
    assertValidSecretName(secret.name);
    assertValidSecretValues(secret.name, secret.values);
    await this.mutate((table) => {
      if (table.has(secret.name)) {
        throw new ConflictError(`Secret '${secret.name}' already exists in secrets manager '${this.name}'.`, {
          hint: `Change its values with \`zen secret update ${secret.name} --key=value\`, or delete it first.`,
        });
      }
      table.set(secret.name, { ...secret.values });
    });
  }

  async getSecret(name: string): Promise<Secret> {
    assertValidSecretName(name);
    const table = await this.read();
    const values = table.get(name);
    if (!values) throw this.notFound(name, table);
    return { name, values: { ...values } };
  }

  async listSecretNames(): Promise<string[]> {
    return [...(await this.read()).keys()].sort();
  }

  /** Replaces the secret's values. */
  async updateSecret(secret: Secret): Promise<void> {
    assertValidSecretName(secret.name);
    assertValidSecretValues(secret.name, secret.values);
    await this.mutate((table) => {
      if (!table.has(secret.name)) throw this.notFound(secret.name, table);
      table.set(secret.name, { ...secret.values });
    });
  }

  /**
   * Sets the given keys and keeps the others, in one read-modify-write under the file's lock, so
   * concurrent updates of different keys all land (`zen secret update`).
   */
  override async mergeSecret(secret: Secret): Promise<void> {
    assertValidSecretName(secret.name);
    assertValidSecretValues(secret.name, secret.values);
    await this.mutate((table) => {
      const current = table.get(secret.name);
      if (!current) throw this.notFound(secret.name, table);
      table.set(secret.name, { ...current, ...secret.values });
    });
  }

  async deleteSecret(name: string): Promise<void> {
    assertValidSecretName(name);
    await this.mutate((table) => {
      if (!table.delete(name)) throw this.notFound(name, table);
    });
  }

  private notFound(name: string, table: SecretTable): NotFoundError {
    const known = [...table.keys()].sort();
    return new NotFoundError(`Secret '${name}' does not exist in secrets manager '${this.name}'.`, {
      hint:
        known.length > 0
          ? `Known secrets: ${known.join(", ")}. Register a new one with \`zen secret register ${name} --key=value\`.`
          : `It has no secrets yet; register one with \`zen secret register ${name} --key=value\`.`,
    });
  }

  private get fileContext(): SecretsFileContext {
    return secretsFileOf({ id: this.id, configDir: this.configDir, path: this.config.path });
  }

  /** Reads and decrypts the secrets file; an absent file is an empty table (and creates no key). */
  private async read(): Promise<SecretTable> {
    return (await this.load(false)).table;
  }

  /** For a write, also returns the key, creating the key file if there is no secrets file yet. */
  private async load(forWrite: true): Promise<{ table: SecretTable; key: Buffer }>;
  private async load(forWrite: false): Promise<{ table: SecretTable; key: Buffer | undefined }>;
  private async load(forWrite: boolean): Promise<{ table: SecretTable; key: Buffer | undefined }> {
    const context = this.fileContext;
    const read = await readSecretsFile(context);
    if (read === undefined) return { table: new Map(), key: forWrite ? await readOrCreateKeyFile(context.keyPath) : undefined };
    return read;
  }

  private async mutate(change: (table: SecretTable) => void): Promise<void> {
    const path = this.secretsFilePath;
    await ensurePrivateDir(this.secretsDirectory);
    await withLock(path, async () => {
      const { table, key } = await this.load(true);
      change(table);
      await writeFileAtomic(path, `${JSON.stringify(encrypt(serializePayload(table), key, this.id), null, 2)}\n`);
    });
  }
}
