/** Secrets in the active stack's secrets manager: register, list, get (masked unless revealed), update, delete. */
import type { BaseSecretsManager } from "../components/secrets-manager.ts";
import { ConflictError, ZenError } from "../errors.ts";
import { label } from "../stack-validation.ts";
import type { ZenContext } from "./context.ts";
import { secretsManagerOf } from "./stack-loading.ts";

/** The active stack's secrets manager; only that component is instantiated. */
async function activeSecretsManager(ctx: ZenContext): Promise<BaseSecretsManager> {
  const { stack, snapshot } = await ctx.stackRecord();
  const manager = await secretsManagerOf(ctx, stack, snapshot);
  if (manager) return manager;
  const register = "zen secrets-manager register local_secrets --flavor local";
  throw new ZenError(`The active stack '${stack.name}' has no secrets manager.`, {
    code: "ZEN_NO_SECRETS_MANAGER",
    hint: `Register one and add it to the stack: \`${register} && zen stack update ${stack.name} -x local_secrets\`.`,
  });
}

export async function registerSecret(ctx: ZenContext, name: string, values: Record<string, string>): Promise<void> {
  await (await activeSecretsManager(ctx)).registerSecret({ name, values });
}

export async function listSecrets(ctx: ZenContext): Promise<string[]> {
  return (await activeSecretsManager(ctx)).listSecretNames();
}

export async function getSecret(ctx: ZenContext, name: string, options: { reveal?: boolean | undefined } = {}): Promise<Record<string, string>> {
  const secret = await (await activeSecretsManager(ctx)).getSecret(name);
  if (options.reveal) return secret.values;
  const { MASK } = await import("../secrets/mask.ts");
  return Object.fromEntries(Object.keys(secret.values).map((key) => [key, MASK]));
}

/** Sets the given keys; the secret's other keys stay (as `zen secret update NAME --key=value` promises). */
export async function updateSecret(ctx: ZenContext, name: string, values: Record<string, string>): Promise<void> {
  // Atomic where the manager can be (the local one merges under its file lock); see BaseSecretsManager.
  await (await activeSecretsManager(ctx)).mergeSecret({ name, values });
}

export interface DeleteSecretOptions {
  /** Delete even while components refer to the secret. */
  force?: boolean | undefined;
  /** Called after the checks pass and before anything is deleted (e.g. to ask the user); throw to stop. */
  confirm?: (() => Promise<void>) | undefined;
}

/** Refused while components of the active profile refer to the secret (their next use would fail), unless `force`. */
export async function deleteSecret(ctx: ZenContext, name: string, options: DeleteSecretOptions = {}): Promise<void> {
  const manager = await activeSecretsManager(ctx);
  // Fails on a missing secret before anyone is asked to confirm its deletion.
  await manager.getSecret(name);
  if (!options.force) {
    const { componentsReferringTo } = await import("../secrets/references.ts");
    const users = componentsReferringTo((await ctx.snapshot()).components, name);
    if (users.length > 0) {
      const them = users.length > 1 ? "those components" : "that component";
      throw new ConflictError(`Secret '${name}' is referred to by ${users.map((c) => label(c.type, c.name)).join(", ")}.`, {
        hint: `Point ${them} at another secret first (\`zen <component-type> update <name> --key={{other.key}}\`), or delete it anyway with --force.`,
        code: "ZEN_SECRET_IN_USE",
      });
    }
  }
  await options.confirm?.();
  await manager.deleteSecret(name);
}
