/**
 * The secret checks of `zen flavor check`, on the JSON Schema discovery recorded for each flavor (so a
 * package built against another copy of @zen/core, whose defineFlavor did not check, is caught too).
 */
import { componentType, type FlavorInfo } from "@zen/core";
import type { Add } from "./check-package.ts";

/**
 * Key names that say "credential": ending in the word token, password, secret, credential(s) or key
 * (api_token, client_secret, access_key; not token_env, password_file or key_prefix, which name where
 * a secret is, or something else).
 */
const CREDENTIAL_NAME = /(^|_)(token|password|passwd|secret|credentials?|key)$/;
const REFERENCE = /^\{\{\s*[A-Za-z0-9_.-]+?\.[A-Za-z0-9_-]+\s*\}\}$/;

function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toLowerCase();
}

export function checkSecrets(infos: FlavorInfo[], add: Add): void {
  for (const info of infos) {
    const label = `${componentType(info.type).displayName} flavor '${info.name}'`;
    const properties = (info.configSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const secrets = new Set(info.secretFields);
    for (const [key, property] of Object.entries(properties)) {
      const variants = [
        property,
        ...(["anyOf", "oneOf"] as const).flatMap((k) => (Array.isArray(property[k]) ? (property[k] as Record<string, unknown>[]) : [])),
      ];
      if (secrets.has(key)) {
        const literal = variants.some((v) => Object.hasOwn(v, "default") && !(typeof v.default === "string" && REFERENCE.test(v.default)));
        if (literal) {
          add(
            "error",
            "secret-field-default",
            `The secret field '${key}' of the ${label} has a default value, which would be stored and shown in clear.`,
            "Remove the .default(...) from its secretField(); users give a {{secret_name.key}} reference when they register a component.",
          );
        }
        continue;
      }
      const plainString = variants.some((v) => v.type === "string");
      if (plainString && CREDENTIAL_NAME.test(words(key))) {
        add(
          "warning",
          "credential-not-secret",
          `The config key '${key}' of the ${label} looks like a credential but is a plain string: its value would be stored and shown in clear.`,
          `Declare it with secretField("…") from @zen/core, so it takes a {{secret_name.key}} reference (ignore this if '${key}' is not a secret).`,
        );
      }
    }
  }
}
