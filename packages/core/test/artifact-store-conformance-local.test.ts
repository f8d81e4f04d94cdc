/** The artifact store conformance suite on the built-in `local` store (real files in a temp dir). */
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { LocalArtifactStore } from "../src/builtins/local-artifact-store.ts";
import { describeArtifactStoreConformance } from "../src/testing/index.ts";

describeArtifactStoreConformance("local", async () => {
  const dir = makeTempDir("zen-conformance-local-");
  const store = new LocalArtifactStore({ id: "local-conformance", name: "local_conformance", flavor: "local", config: { path: dir }, configDir: dir });
  return { store, root: join(dir, "conformance") };
});
