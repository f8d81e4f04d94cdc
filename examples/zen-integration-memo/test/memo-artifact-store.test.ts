/** The `memo` artifact store flavor, tested with the conformance kits of @zen/core. */
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeArtifactStoreConformance, describeFlavorConformance } from "@zen/core/testing";
import { memoArtifactStore } from "../src/flavors.ts";
import { MemoArtifactStore } from "../src/memo-artifact-store.ts";

// What every flavor owes zen: brand and API version, a config schema the CLI can show and validate
// (secret fields refuse literal values), and an implementation of the right component type.
describeFlavorConformance(memoArtifactStore, {
  validConfig: { path: "memo://my-bucket/zen", root: "/tmp/memo-objects" },
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
