/**
 * `@zen/core/local-secrets`: the names in a local secrets manager's file, for shell completion.
 * Its own entry so a Tab loads the decryption code alone, not the whole of `@zen/core`. Like
 * `@zen/core/internal`, it follows the CLI of the same version and is not covered by semver.
 */
export { readLocalSecretNames } from "./secrets/local-secrets-file.ts";
