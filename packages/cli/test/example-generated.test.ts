// examples/zen-integration-memo is what `zen flavor init --type artifact-store --name memo` writes,
// file for file: regenerated here and compared, so the example never drifts from the scaffold.
// (After a template change: `zen flavor init <tmp> --type artifact-store --name memo`, copy the files over.)
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sandbox } from "./run-zen.ts";

const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../examples/zen-integration-memo");
/** What building, installing and testing add (ignored by the example's .gitignore or the workspace's; test-results.json is the test command's report). */
const NOT_GENERATED = /^(node_modules|dist|\.turbo|coverage)(\/|$)|\.tgz$|\.tsbuildinfo$|^test-results\.json$/;

function files(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    if (NOT_GENERATED.test(entry) || statSync(join(dir, entry)).isDirectory()) continue;
    found[entry] = readFileSync(join(dir, entry), "utf8");
  }
  return found;
}

describe("examples/zen-integration-memo", () => {
  it("is exactly what zen flavor init generates", () => {
    const s = sandbox();
    const result = s.zen(["flavor", "init", "zen-integration-memo", "--type", "artifact-store", "--name", "memo", "--quiet"]);
    expect(result.status).toBe(0);
    const generated = files(join(s.cwd, "zen-integration-memo"));
    const committed = files(EXAMPLE);
    expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
    for (const [path, text] of Object.entries(generated)) expect({ path, text: committed[path] }).toEqual({ path, text });
  });
});
