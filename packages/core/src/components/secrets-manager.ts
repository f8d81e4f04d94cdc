import { StackComponent } from "../stack-component.ts";

/** A named set of key/value pairs. */
export interface Secret {
  name: string;
  values: Record<string, string>;
}

/** Keeps secrets; stack components refer to them as `{{name.key}}`. */
export abstract class BaseSecretsManager<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "secrets_manager" as const;

  abstract registerSecret(secret: Secret): Promise<void>;
  abstract getSecret(name: string): Promise<Secret>;
  abstract listSecretNames(): Promise<string[]>;
  abstract updateSecret(secret: Secret): Promise<void>;
  abstract deleteSecret(name: string): Promise<void>;

  /**
   * Sets the given keys of an existing secret and keeps its other keys (`zen secret update`).
   * This default reads, merges and replaces: it is NOT atomic across processes, so two concurrent
   * updates of different keys can lose one. A manager whose backend can merge atomically (under a
   * lock, in a transaction, or with a partial-update call) should override it.
   */
  async mergeSecret(secret: Secret): Promise<void> {
    const current = await this.getSecret(secret.name);
    await this.updateSecret({ name: secret.name, values: { ...current.values, ...secret.values } });
  }
}
