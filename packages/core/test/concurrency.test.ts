import { describe, expect, it, afterEach } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseYaml } from "../src/fs/yaml-file.ts";
import type { StoreType } from "../src/store/records.ts";
import { runScript } from "./fixtures/config/run-script.ts";
import { removeDir } from "./fixtures/config/temp-dir.ts";
import { sandbox, type Sandbox } from "./fixtures/config/zen-env.ts";

let box: Sandbox | undefined;
afterEach(async () => removeDir(box?.root));

const PROCESSES = 20;
/** 20 Node processes compiling TypeScript can take a while on a small CI machine. */
const TIMEOUT_MS = 240_000;

describe.each<StoreType>(["local", "sql"])("20 concurrent zen processes on one %s profile", (storeType) => {
  it(
    "all land, nothing is lost, and the store still parses",
    async () => {
      box = await sandbox({ ZEN_DEFAULT_STORE_TYPE: storeType });
      const zen = await box.open();
      expect((await zen.describeProfile()).storeType).toBe(storeType);
      zen.close();

      const names = Array.from({ length: PROCESSES }, (_, i) => `stack-${i}`);
      const results = await Promise.all(names.map((name) => runScript("register-stack.ts", [name], box!.env, box!.work)));
      for (const [i, result] of results.entries()) {
        expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 0, stderr: "", stdout: `${names[i]} ok\n` });
      }

      const reader = await box.open();
      const stacks = (await reader.listStacks()).map((s) => s.name).sort();
      expect(stacks).toEqual(["default", ...names].sort());
      expect((await reader.listComponents("container_registry")).map((c) => c.name).sort()).toEqual(names.map((n) => `reg-${n}`).sort());
      reader.close();
      if (storeType === "local") {
        const file = join(box.configDir, "profiles", "default", "stacks.yaml");
        const doc = (await parseYaml(await readFile(file, "utf8"), file)) as { stacks: Record<string, unknown> };
        expect(Object.keys(doc.stacks)).toHaveLength(PROCESSES + 1);
      }
    },
    TIMEOUT_MS,
  );
});

describe("20 concurrent processes on a fresh machine", () => {
  it(
    "create the default profile once and all register their stacks",
    async () => {
      box = await sandbox();
      const names = Array.from({ length: PROCESSES }, (_, i) => `fresh-${i}`);
      const results = await Promise.all(names.map((name) => runScript("register-stack.ts", [name], box!.env, box!.work)));
      for (const result of results) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
      const reader = await box.open();
      expect((await reader.listProfiles()).map((p) => p.name)).toEqual(["default"]);
      expect((await reader.listStacks()).map((s) => s.name).sort()).toEqual(["default", ...names].sort());
      expect((await reader.listComponents("orchestrator")).map((c) => c.name)).toEqual(["default"]);
    },
    TIMEOUT_MS,
  );
});
