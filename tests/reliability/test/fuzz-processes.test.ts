// Fuzzed command lines as real processes (fast-check, fixed seed): every exit code is 0, 1 or 2,
// nothing is reported as a bug, nothing hangs, and no file appears outside the config and project
// directories (the whole parent directory, which is also HOME, is watched).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { writeTree } from "@zen/test-utils";
import { listFiles } from "./support/files.ts";
import { ms, recordFigures, type Row } from "./support/figures.ts";
import { makeRelProject } from "./support/project.ts";
import { suiteSeed } from "./support/random.ts";
import { BUG_PATTERN, brief, makeHome, pool, runZen } from "./support/zen-process.ts";

const SEED = suiteSeed(4242);
const PROCESSES = 320;
const figures: Row[] = [];
afterAll(() => recordFigures("fuzzing (processes)", 5, figures));

const COMMANDS = [
  [],
  ["stack"],
  ["stack", "list"],
  ["stack", "register"],
  ["stack", "update"],
  ["stack", "describe"],
  ["stack", "delete"],
  ["stack", "set"],
  ["stack", "export"],
  ["stack", "import"],
  ["stack", "copy"],
  ["stack", "rename"],
  ["stack", "validate"],
  ["orchestrator", "register"],
  ["artifact-store", "register"],
  ["artifact-store", "update"],
  ["artifact-store", "describe"],
  ["artifact-store", "delete"],
  ["artifact-store", "flavor", "list"],
  ["container-registry", "register"],
  ["secrets-manager", "register"],
  ["secret", "register"],
  ["secret", "update"],
  ["secret", "get"],
  ["secret", "delete"],
  ["secret", "list"],
  ["profile", "create"],
  ["profile", "set"],
  ["profile", "delete"],
  ["profile", "list"],
  ["profile", "describe"],
  ["status"],
  ["doctor"],
  ["init"],
  ["help"],
  ["pipeline", "runs", "list"],
  ["pipeline", "runs", "describe"],
  ["flavor", "check"],
];
const PROTO = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"];
const WORD = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "default",
      "s",
      "x.yaml",
      "out.yaml",
      "-",
      "--",
      "-h",
      "--help",
      "--output",
      "json",
      "yaml",
      "--profile",
      "--stack",
      "-q",
      "--q=1",
      "-y",
      "--yes",
      "--flavor",
      "local",
      "default",
      "sqlite",
      "-o",
      "-a",
      "-m",
      "-x",
      "--path=store",
      "--path=/tmp/zen-fuzz-abs",
      "--uri=@/dev/zero",
      "--uri=@fifo",
      "--uri=@.",
      "--uri=@missing",
      "--key=@@x",
      "--store-type",
      "sql",
      "--force",
      "--no-cache",
      "../escape",
      "../../escape.yaml",
      "/",
      ".",
      "",
      " ",
      "é",
      "a".repeat(300),
      ...PROTO,
      ...PROTO.map((k) => `--${k}`),
      ...PROTO.map((k) => `--${k}=1`),
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 8 })).map(([k, v]) => `--${k}=${v}`) },
);
// A command line cannot carry NUL bytes (the OS refuses them), so none are generated.
const LINE = fc
  .tuple(fc.constantFrom(...COMMANDS), fc.array(WORD, { maxLength: 6 }))
  .map(([command, rest]) => [...command, ...rest.map((w) => w.replaceAll("\u0000", ""))]);

describe(`fuzzed command lines as processes (seed ${SEED}; replay with ZEN_RELIABILITY_SEED=${SEED})`, () => {
  it(`${PROCESSES} processes: exit 0/1/2, no bug report, no hang, no file outside the config and project dirs`, async () => {
    const home = makeHome("zen-rel-fuzzproc-");
    const project = makeRelProject(home);
    spawnSync("mkfifo", [join(project, "fifo")]);
    writeTree(project, { "x.yaml": "format: zen-stack\nformatVersion: 1\nstack: {name: imp}\ncomponents: {}\n" });
    expect((await runZen(home, ["stack", "list"], { cwd: project })).status).toBe(0);
    // Watched: everything under the base (HOME) except the config dir and the project.
    const outside = () => listFiles(home.base).filter((f) => !f.startsWith("config/") && !f.startsWith("project/"));
    const before = outside();

    const lines = fc.sample(LINE, { seed: SEED, numRuns: PROCESSES });
    const started = performance.now();
    const counts: Record<string, number> = {};
    const problems: string[] = [];
    await pool(lines, 4, async (argv) => {
      const r = await runZen(home, argv, { cwd: project, timeoutMs: 20_000 });
      counts[String(r.status)] = (counts[String(r.status)] ?? 0) + 1;
      const line = `zen ${argv.map((a) => JSON.stringify(a)).join(" ")}`;
      if (r.timedOut) problems.push(`${line}: hung (killed after 20 s)`);
      else if (![0, 1, 2].includes(r.status)) problems.push(`${line}: exit ${brief(r)}`);
      if (BUG_PATTERN.test(r.stderr)) problems.push(`${line}: ${brief(r)}`);
      if (!existsSync(project)) {
        problems.push(`${line}: removed the project directory (${brief(r)})`);
        mkdirSync(project);
      }
    });
    const created = outside().filter((f) => !before.includes(f));
    figures.push(
      [
        `fuzzed command lines run as processes (seed ${SEED})`,
        `${lines.length} in ${ms(performance.now() - started)}; exit codes ${Object.entries(counts)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ")}`,
      ],
      ["problems (exit outside 0/1/2, bug report, hang), files created outside", `${problems.length}, ${created.length}`],
    );
    expect(problems).toEqual([]);
    expect(created).toEqual([]);
  });
});
