/**
 * Secret references: a secret config field holds `{{secret_name.key}}`, and the value is looked up in
 * the stack's secrets manager only when the component is used. Errors name the component, the field
 * and the secret, never a value.
 */
import type { BaseSecretsManager, Secret } from "../components/secrets-manager.ts";
import { NotFoundError, ZenError, isZenError } from "../errors.ts";
import { SECRET_REFERENCE } from "../flavor.ts";

export interface SecretReference {
  secret: string;
  key: string;
}

/** `{{name.key}}` → `{ secret: "name", key: "key" }`; anything else → `undefined`. */
export function parseSecretReference(value: string): SecretReference | undefined {
  const match = SECRET_REFERENCE.exec(value);
  if (!match) return undefined;
  return { secret: match[1]!, key: match[2]! };
}

export function isSecretReference(value: unknown): value is string {
  return typeof value === "string" && SECRET_REFERENCE.test(value);
}

/**
 * Returns a copy of `config` in which every reference held by one of `secretFields` is replaced by
 * the secret's value. Other fields, and secret fields without a reference, are copied unchanged.
 * `componentLabel` names the component in errors, e.g. "metadata store 'mysql_store'".
 */
export async function resolveSecretReferences(
  config: Record<string, unknown>,
  secretFields: readonly string[],
  manager: BaseSecretsManager<unknown> | undefined,
  componentLabel: string,
): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = { ...config };
  // One lookup per secret, however many fields refer to it.
  const lookups = new Map<string, Promise<Secret>>();
  for (const field of secretFields) {
    const value = config[field];
    if (typeof value !== "string") continue;
    const reference = parseSecretReference(value);
    if (!reference) continue;
    const where = `Field '${field}' of ${componentLabel}`;
    if (!manager) {
      throw new ZenError(`${where} refers to secret '${reference.secret}', but the stack has no secrets manager.`, {
        code: "ZEN_NO_SECRETS_MANAGER",
        hint:
          "Register one with `zen secrets-manager register <name> --flavor=local`, add it to the stack with " +
          `\`zen stack update <stack> -x <name>\`, then store the secret with \`zen secret register ${reference.secret} --${reference.key}=...\`.`,
      });
    }
    let lookup = lookups.get(reference.secret);
    if (!lookup) {
      lookup = manager.getSecret(reference.secret);
      lookup.catch(() => {}); // awaited below; keeps a rejected cached lookup from being reported as unhandled
      lookups.set(reference.secret, lookup);
    }
    let secret: Secret;
    try {
      secret = await lookup;
    } catch (error) {
      if (!isZenError(error) || error.code !== "ZEN_NOT_FOUND") throw error;
      const known = await manager.listSecretNames().catch(() => undefined);
      throw new NotFoundError(`${where} refers to secret '${reference.secret}', which does not exist in secrets manager '${manager.name}'.`, {
        hint:
          `Register it with \`zen secret register ${reference.secret} --${reference.key}=...\`` +
          (known && known.length > 0 ? `, or refer to one of: ${known.join(", ")}.` : "."),
      });
    }
    if (!Object.hasOwn(secret.values, reference.key)) {
      const keys = Object.keys(secret.values).sort();
      throw new NotFoundError(`${where} refers to key '${reference.key}' of secret '${reference.secret}', which has no such key.`, {
        hint:
          `Add it with \`zen secret update ${reference.secret} --${reference.key}=...\`` +
          (keys.length > 0 ? `, or refer to one of its keys: ${keys.join(", ")}.` : "."),
      });
    }
    resolved[field] = secret.values[reference.key];
  }
  return resolved;
}

/** The components whose config refers to `secret` (in any field), for refusing to delete it under them. */
export function componentsReferringTo<C extends { config: Record<string, unknown> }>(components: readonly C[], secret: string): C[] {
  return components.filter((component) =>
    Object.values(component.config).some((value) => typeof value === "string" && parseSecretReference(value)?.secret === secret),
  );
}
