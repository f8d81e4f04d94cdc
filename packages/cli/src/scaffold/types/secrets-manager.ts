/** Secrets manager: a working one that keeps secrets in memory, as a vault client would hold them. */
import type { TypeTemplate } from "../type-template.ts";

/** The default environment variable of the vault token: \`MEMO_TOKEN\`. */
function tokenEnv(flavor: string): string {
  const base = flavor.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return /^[0-9]/.test(base) ? `ZEN_${base}_TOKEN` : `${base}_TOKEN`;
}

export const secretsManagerTemplate: TypeTemplate = {
  description: () => "Keeps secrets in a vault, for the {{secret.key}} references of other components",
  // The secrets manager resolves the other components' secret references, so its own config cannot
  // take one: it reads its credential from the environment instead.
  usesSecretField: false,
  configFields: (
    n,
  ) => `    vault_url: z.url({ protocol: /^https?$/ }).optional().meta({ description: "URL of the vault (the skeleton keeps secrets in memory)" }),
    // No secretField() here: the secrets manager is what resolves {{secret.key}} references for the
    // other components, so its own credential comes from an environment variable instead.
    token_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, { message: "must be an environment variable name like ${tokenEnv(n.flavor)}" })
      .default("${tokenEnv(n.flavor)}")
      .meta({ description: "Environment variable that holds the vault token" }),`,
  exampleConfig: () => ({ vault_url: "https://vault.example.com" }),
  invalidConfigs: () => [{ vault_url: "not a url" }, { token_env: "lower-case" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` keeps secrets in memory, so it works — and passes the
conformance suite — before you change anything. Replace the map with calls to your vault, keeping
what the suite checks: names and values validated with \`assertValidSecretName\` and
\`assertValidSecretValues\` from @zen/core, a missing secret as \`NotFoundError\`, a duplicate as
\`ConflictError\`, \`updateSecret\` replacing all values, and no value ever in an error message. A
secrets manager's own config takes no \`secretField()\`: it is what resolves the other components'
\`{{secret.key}}\` references, so its credential comes from the environment (\`token_env\`).`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` secrets manager. This skeleton keeps secrets in memory, so it works before you change
 * anything. Replace the map with calls to your vault, keeping the contract of BaseSecretsManager in
 * @zen/core — and never put a secret value in an error message.
 */
import {
  BaseSecretsManager,
  ConflictError,
  NotFoundError,
  assertValidSecretName,
  assertValidSecretValues,
  type Secret,
} from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseSecretsManager<${n.configType}> {
  readonly #secrets = new Map<string, Record<string, string>>();

  async registerSecret(secret: Secret): Promise<void> {
    assertValidSecretName(secret.name);
    assertValidSecretValues(secret.name, secret.values);
    if (this.#secrets.has(secret.name)) {
      throw new ConflictError(\`Secret '\${secret.name}' already exists in secrets manager '\${this.name}'.\`, {
        hint: \`Change its values with \\\`zen secret update \${secret.name} --key=value\\\`, or delete it first.\`,
      });
    }
    this.#secrets.set(secret.name, { ...secret.values });
  }

  async getSecret(name: string): Promise<Secret> {
    assertValidSecretName(name);
    const values = this.#secrets.get(name);
    if (!values) throw this.notFound(name);
    return { name, values: { ...values } };
  }

  async listSecretNames(): Promise<string[]> {
    return [...this.#secrets.keys()].sort();
  }

  async updateSecret(secret: Secret): Promise<void> {
    assertValidSecretName(secret.name);
    assertValidSecretValues(secret.name, secret.values);
    if (!this.#secrets.has(secret.name)) throw this.notFound(secret.name);
    this.#secrets.set(secret.name, { ...secret.values });
  }

  async deleteSecret(name: string): Promise<void> {
    assertValidSecretName(name);
    if (!this.#secrets.delete(name)) throw this.notFound(name);
  }

  private notFound(name: string): NotFoundError {
    return new NotFoundError(\`Secret '\${name}' does not exist in secrets manager '\${this.name}'.\`, {
      hint: \`Register it with \\\`zen secret register \${name} --key=value\\\`.\`,
    });
  }
}
`,
  test: (n) => ({
    imports: [`import { describeFlavorConformance, describeSecretsManagerConformance } from "@zen/core/testing";`],
    body: `// The behaviour every secrets manager owes zen: register, get, list, update, delete, the errors,
// values never echoed, concurrent changes kept. (Pass { persistent: true } and a \`reopen\` to the
// fixture once your manager keeps secrets beyond the instance.)
describeSecretsManagerConformance("${n.flavor}", async () => ({
  manager: new ${n.className}({
    id: "${n.flavor}-conformance",
    name: "${n.flavor}_conformance",
    flavor: "${n.flavor}",
    config: { token_env: "${tokenEnv(n.flavor)}" },
    configDir: "/nonexistent",
  }),
}));
`,
  }),
};
