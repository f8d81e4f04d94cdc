/** `readRunConfig`: the run configuration file of `zen pipeline run --config`, including hostile YAML. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir, rejectionOf } from "@zen/test-utils";
import { readRunConfig } from "../src/pipeline/run-config.ts";

function file(name: string, text: string): string {
  const full = path.join(makeTempDir("zen-run-config-"), name);
  writeFileSync(full, text);
  return full;
}

describe("readRunConfig", () => {
  it("splits control options from runtime options", async () => {
    expect(await readRunConfig(file("run.yaml", "run_name: nightly-1\nenable_cache: false\nparameters:\n  n: 4\nruntime_param_1: 3\n"))).toEqual({
      runName: "nightly-1",
      enableCache: false,
      parameters: { n: 4 },
      runtime: { runtime_param_1: 3 },
    });
  });

  it("names the line of a syntax error", async () => {
    const bad = file("bad.yaml", "parameters:\n  n: [1, 2\n");
    const error = await rejectionOf(readRunConfig(bad));
    expect(error.code).toBe("ZEN_INVALID");
    expect(error.message).toMatch(new RegExp(`^The run configuration '${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' is not valid YAML at line \\d+`));
    expect(error.hint).toBe("Fix the YAML syntax.");
  });

  it("refuses an alias bomb instead of expanding it", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
      ["f", "e"],
    ] as const) {
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const started = performance.now();
    const error = await rejectionOf(readRunConfig(file("bomb.yaml", `${levels.join("\n")}\n`)));
    expect(error.message).toContain("too many alias references");
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
