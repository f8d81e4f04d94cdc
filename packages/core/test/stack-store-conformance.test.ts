import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { SqlStackStore } from "../src/store/sql-stack-store.ts";
import { YamlStackStore } from "../src/store/yaml-stack-store.ts";
import { describeStackStoreConformance } from "../src/testing/stack-store-conformance.ts";

describeStackStoreConformance("yaml (local)", async () => {
  const dir = makeTempDir("zen-store-conformance-yaml-");
  return { open: async () => new YamlStackStore(dir) };
});

describeStackStoreConformance(
  "sqlite (sql)",
  async () => {
    const file = join(makeTempDir("zen-store-conformance-sqlite-"), "zen.db");
    return { open: () => SqlStackStore.open(file) };
  },
  { concurrentHandlesInOneProcess: false },
);
