/** Secrets in the active stack's secrets manager: register, list, get (masked unless revealed), update, delete. */
import type { BaseSecretsManager, Secret } from "../components/secrets-manager.ts";
import { ConflictError, ZenError } from "../errors.ts";
import { label } from "../stack-validation.ts";
import type { ZenContext } from "./context.ts";
import { secretsManagerOf } from "./stack-loading.ts";

/** A manager that can set some keys of a secret atomically (the local one does, under its file lock). */
interface MergingSecretsManager extends BaseSecretsManager {
  mergeSecret(secret: Secret): Promise<void>;
}

/** The active stack's secrets manager; only that component is instantiated. */
async function activeSecretsManager(ctx: ZenContext): Promise<BaseSecretsManager> {
  const { stack, snapshot } = await ctx.stackRecord();
  const manager = await secretsManagerOf(ctx, stack, snapshot);
  if (manager) return manager;
  throw new ZenError(`The active stack '${stack.name}' has no secrets manager.`, {
    code: "ZEN_NO_SECRETS_MANAGER",
    hint: `Register one and add it to the stack: \`zen secrets-manager register local_secrets --flavor local && zen stack update ${stack.name} -x local_secrets\`.`,
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
  const manager = await activeSecretsManager(ctx);
  if (typeof (manager as Partial<MergingSecretsManager>).mergeSecret === "function") {
    await (manager as MergingSecretsManager).mergeSecret({ name, values });
    return;
  }
  // A manager without an atomic merge: read, merge, replace (the manager's own consistency applies).
  const current = await manager.getSecret(name);
  await manager.updateSecret({ name, values: { ...current.values, ...values } });
}

/** Refused while components of the active profile refer to the secret (their next use would fail), unless `force`. */
export async function deleteSecret(ctx: ZenContext, name: string, options: { force?: boolean | undefined } = {}): Promise<void> {
  const manager = await activeSecretsManager(ctx);
  if (!options.force) {
    const { componentsReferringTo } = await import("../secrets/references.ts");
    const users = componentsReferringTo((await ctx.snapshot()).components, name);
    if (users.length > 0) {
      throw new ConflictError(`Secret '${name}' is referred to by ${users.map((c) => label(c.type, c.name)).join(", ")}.`, {
        hint: `Point ${users.length > 1 ? "those components" : "that component"} at another secret first (\`zen <component-type> update <name> --key={{other.key}}\`), or delete it anyway with --force.`,
        code: "ZEN_SECRET_IN_USE",
      });
    }
  }
  await manager.deleteSecret(name);
}
