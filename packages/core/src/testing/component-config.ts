/**
 * The config a component really receives, for tests of an implementation: parsed the way
 * `zen <type> register` parses it (CLI strings converted, defaults applied, secret fields checked to
 * be references), then each `{{secret.key}}` reference replaced by the value given in `secrets`, as
 * the stack's secrets manager does when the component is used.
 *
 *   const config = componentTestConfig(myFlavor, { url: "https://x.example.com", api_token: "{{hook.token}}" },
 *     { secrets: { hook: { token: "test-token" } } });
 *   const alerter = new MyAlerter({ id: "t", name: "t", flavor: "webhook", config, configDir: "/tmp/x" });
 */
import { parseComponentConfig } from "../config-values.ts";
import { configJsonSchema } from "../discovery/describe-flavor.ts";
import { secretFieldsOf } from "../discovery/json-schema.ts";
import { ValidationError } from "../errors.ts";
import type { Flavor } from "../flavor.ts";
import { parseSecretReference } from "../secrets/references.ts";

export interface ComponentTestConfigOptions {
  /** Secret values by secret name and key: `{ hook: { token: "t" } }` resolves `{{hook.token}}`. */
  secrets?: Record<string, Record<string, string>>;
}

export function componentTestConfig<Config extends Record<string, unknown>>(
  flavor: Pick<Flavor<Config>, "type" | "name" | "config">,
  config: Record<string, unknown>,
  options: ComponentTestConfigOptions = {},
): Config {
  const parsed: Record<string, unknown> = { ...parseComponentConfig(flavor, config) };
  for (const field of secretFieldsOf(configJsonSchema(flavor))) {
    const value = parsed[field];
    if (typeof value !== "string") continue;
    const reference = parseSecretReference(value);
    if (!reference) continue;
    const secret = options.secrets?.[reference.secret];
    if (!secret || !Object.hasOwn(secret, reference.key)) {
      throw new ValidationError(`Field '${field}' refers to {{${reference.secret}.${reference.key}}}, which the test does not give.`, {
        hint: `Pass it: componentTestConfig(flavor, config, { secrets: { ${reference.secret}: { ${reference.key}: "…" } } }).`,
      });
    }
    parsed[field] = secret[reference.key];
  }
  return parsed as Config;
}
