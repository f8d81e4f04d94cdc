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
}
