// The README's tour, replayed: every `$ zen …` line of its console blocks runs in order in one fresh
// sandbox (the project at <tmp>/tour/my-project, the config at <tmp>/tour/config), and prints what the
// README shows (stderr, then stdout). Table padding is compared loosely, as paths differ in length.
import { describe, expect, it } from "@jest/globals";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { sandbox } from "./run-zen.ts";

const README = new URL("../../../README.md", import.meta.url);

interface Step {
  args: string[];
  expected: string;
}

/** The `$ zen …` commands of the README's console blocks and the output shown under each. */
function tourSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const part of block[1]!.split(/^\$ /m).slice(1)) {
      const [command, ...output] = part.split("\n");
      steps.push({ args: command!.trim().split(/\s+/).slice(1), expected: output.join("\n").trim() });
    }
  }
  return steps;
}

/** Box padding and rules depend on the widest cell, hence on path lengths. */
const loose = (text: string) =>
  text
    .split("\n")
    .map((line) => line.replace(/─+/g, "─").replace(/ {2,}/g, " ").trimEnd())
    .join("\n");

describe("the README's tour", () => {
  const steps = tourSteps(readFileSync(README, "utf8"));

  it("has commands to replay", () => {
    expect(steps.length).toBeGreaterThanOrEqual(10);
  });

  it("prints what the README shows, command by command", () => {
    const s = sandbox();
    const tour = join(makeTempDir("zen-readme-"), "tour");
    const project = join(tour, "my-project");
    mkdirSync(project, { recursive: true });
    const env = { ZEN_CONFIG_PATH: join(tour, "config") };
    const replayed = steps.map((step) => {
      const result = s.zen(step.args, { cwd: project, env });
      return { command: `zen ${step.args.join(" ")}`, output: loose(`${result.stderr}${result.stdout}`.replaceAll(tour, "/tmp/tour").trim()) };
    });
    expect(replayed).toEqual(steps.map((step) => ({ command: `zen ${step.args.join(" ")}`, output: loose(step.expected) })));
  });
});
