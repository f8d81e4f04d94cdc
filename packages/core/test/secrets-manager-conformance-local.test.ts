/** The secrets manager conformance suite on the built-in `local` manager (encrypted files in a temp config dir). */
import { makeTempDir } from "@zen/test-utils";
import { LocalSecretsManager } from "../src/secrets/local-secrets-manager.ts";
import { describeSecretsManagerConformance } from "../src/testing/index.ts";

describeSecretsManagerConformance(
  "local",
  async () => {
    const configDir = makeTempDir("zen-conformance-secrets-");
    const open = () => new LocalSecretsManager({ id: "0b7c6f2e-1111-4000-8000-00000000c0f1", name: "local_secrets", flavor: "local", config: {}, configDir });
    return { manager: open(), reopen: async () => open() };
  },
  { persistent: true },
);
