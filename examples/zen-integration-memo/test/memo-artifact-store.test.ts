/** The `memo` artifact store flavor: the conformance kits of @zen/core, then an example test to replace. */
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { componentTestConfig, describeArtifactStoreConformance, describeFlavorConformance } from "@zen/core/testing";
import { memoArtifactStore } from "../src/flavors.ts";
import { MemoArtifactStore } from "../src/memo-artifact-store.ts";

const validConfig = { path: "memo://my-bucket/zen", root: "/tmp/memo-objects" };

// What every flavor owes zen: brand and API version, a config schema the CLI can show and validate
// (secret fields refuse literal values), and an implementation of the right component type.
describeFlavorConformance(memoArtifactStore, {
  validConfig,
  invalidConfigs: [
    { path: "s3://my-bucket/zen", root: "/tmp/memo-objects" },
    { path: "memo://my-bucket/zen" },
    { path: "memo://my-bucket/zen", root: "/tmp/memo-objects", token: "a-literal-token" },
  ],
});

// The behaviour every artifact store owes zen: the filesystem API, missing paths, atomic and
// concurrent writes, and a large file streamed in bounded memory (32 MiB here; 200 MiB under CI).
describeArtifactStoreConformance(
  "memo",
  async () => {
    const root = mkdtempSync(join(tmpdir(), "memo-objects-"));
    const store = new MemoArtifactStore({
      id: "memo-conformance",
      name: "memo_conformance",
      flavor: "memo",
      config: { path: "memo://conformance", root },
      configDir: root,
    });
    return { store, root: "memo://conformance/run", cleanup: async () => rmSync(root, { recursive: true, force: true }) };
  },
  { largeFileBytes: 32 * 1024 * 1024 },
);

// ---------------------------------------------------------------------------------------------
// EXAMPLE: replace it with tests of what your flavor does beyond the kits (the requests it sends,
// the errors it maps). componentTestConfig builds the config a component receives from zen:
// defaults applied, secret references resolved from the values the test gives.
// ---------------------------------------------------------------------------------------------
describe("EXAMPLE: MemoArtifactStore", () => {
  it("receives its config with defaults applied and secrets resolved", () => {
    const config = componentTestConfig(memoArtifactStore, { ...validConfig, token: "{{example_secret.token}}" }, {
      secrets: { example_secret: { token: "example-token" } },
    });
    const component = new MemoArtifactStore({ id: "example", name: "example", flavor: "memo", config, configDir: "/nonexistent" });
    expect(component.config.token).toBe("example-token");
  });
});
