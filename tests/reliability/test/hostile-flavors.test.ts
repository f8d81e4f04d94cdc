// Hostile flavor packages in a project, next to a healthy one: each is named with its cause by
// `zen doctor` and the flavor list, the list stays valid JSON on a cold cache, nothing hangs, and
// everything else (other flavors, the built-in `local` of the default stack, unrelated commands) works.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { flavorPackageFixture, writeTree, type FlavorPackageFixtureOptions } from "@zen/test-utils";
import { ms, recordFigures, type Row } from "./support/figures.ts";
import { makeRelProject } from "./support/project.ts";
import { BUG_PATTERN, brief, makeHome, runZen, type Home } from "./support/zen-process.ts";

interface Hostile {
  label: string;
  /** The package `zen doctor` must name. */
  package: string;
  install: (project: string) => void;
  /** The cause doctor and the flavor list must give. */
  cause: RegExp;
  /** `zen flavor check <package dir>` must fail for it. */
  checkFails?: boolean;
  /** Also run a pipeline on the default stack (the built-in `local` must be the one loaded). */
  runPipeline?: boolean;
}

const pkg = (project: string, name: string, flavor: string, extra: Partial<FlavorPackageFixtureOptions> = {}) =>
  flavorPackageFixture({ project, name, flavors: [{ type: "artifact_store", name: flavor }], ...extra });
/** A package whose flavors module is `source` (its package.json is a valid flavor package's). */
const withModule = (project: string, name: string, source: string) =>
  writeFileSync(pkg(project, name, name.replace(/^zen-integration-/, "")).flavorsFile, source);

const HOSTILE: Hostile[] = [
  {
    label: "throws on import",
    package: "zen-integration-throws",
    install: (p) => pkg(p, "zen-integration-throws", "throws", { throwOnImport: "the storage SDK is not installed" }),
    cause: /failed to load: the storage SDK is not installed/,
  },
  {
    label: "declares a wrong apiVersion",
    package: "zen-integration-future",
    install: (p) => pkg(p, "zen-integration-future", "future", { apiVersion: 2 }),
    cause: /flavor API version 2/,
  },
  {
    label: "imports a missing module",
    package: "zen-integration-nosdk",
    install: (p) => withModule(p, "zen-integration-nosdk", 'import "zen-missing-sdk-xyz";\nexport default [];\n'),
    cause: /zen-missing-sdk-xyz/,
  },
  {
    label: "calls process.exit during import",
    package: "zen-integration-exits",
    install: (p) => withModule(p, "zen-integration-exits", "process.exit(0);\n"),
    cause: /exit/i,
    checkFails: true,
  },
  {
    label: "prints to stdout during import",
    package: "zen-integration-prints",
    install: (p) =>
      withModule(
        p,
        "zen-integration-prints",
        'console.log("HELLO FROM A PLUGIN");\nprocess.stdout.write("{not json\\n");\nthrow new Error("and then fails");\n',
      ),
    cause: /and then fails/,
  },
  {
    label: "never finishes importing",
    package: "zen-integration-hangs",
    install: (p) => withModule(p, "zen-integration-hangs", "await new Promise(() => {});\nexport default [];\n"),
    cause: /time|took longer|did not (finish|settle)|never (finish|settle)|hang/i,
    checkFails: true,
  },
  {
    label: "shadows the built-in local artifact store",
    package: "zen-integration-shadow",
    install: (p) => pkg(p, "zen-integration-shadow", "local"),
    cause: /built-in|@zen\/core/,
    runPipeline: true,
  },
  {
    label: "duplicates another package's flavor",
    package: "@acme/zen-integration-twin-b",
    install: (p) => {
      pkg(p, "zen-integration-twin-a", "twin");
      pkg(p, "@acme/zen-integration-twin-b", "twin");
    },
    cause: /both provide/,
  },
];

let home: Home;
const figures: Row[] = [];
const held: string[] = [];
beforeAll(async () => {
  home = makeHome("zen-rel-hostile-");
  expect((await runZen(home, ["stack", "list"])).status).toBe(0);
});
afterAll(() => {
  figures.push(["hostile flavor packages named with their cause, everything else working", `${held.length} of ${HOSTILE.length}`]);
  recordFigures("hostile flavor packages", 6, figures);
});

describe("hostile flavor packages", () => {
  it.each(HOSTILE.map((h) => [h.label, h] as const))("a package that %s is named with its cause and nothing else breaks", async (_label, hostile) => {
    const project = makeRelProject(home, hostile.package.replace(/[@/]/g, "_"));
    hostile.install(project);
    const problems: string[] = [];
    const started = performance.now();
    const run = (args: string[]) => runZen(home, args, { cwd: project, timeoutMs: 40_000 });

    // Cold cache first: the list must be valid JSON whatever the package printed.
    const list = await run(["artifact-store", "flavor", "list", "--output", "json"]);
    let items: { name: string; package?: string; ready?: boolean }[] = [];
    try {
      items = JSON.parse(list.stdout).items;
    } catch {
      problems.push(`flavor list --output json is not JSON: ${brief(list)}`);
    }
    if (list.status !== 0 || list.timedOut) problems.push(`flavor list: ${brief(list)}`);
    if (!hostile.cause.test(list.stderr)) problems.push(`flavor list does not give the cause ${hostile.cause}: ${brief(list)}`);
    for (const name of ["local", "multi"]) if (!items.some((f) => f.name === name)) problems.push(`flavor list lost '${name}': ${list.stdout.slice(0, 300)}`);
    const local = items.filter((f) => f.name === "local");
    if (local.length !== 1 || !/@zen\/core/.test(JSON.stringify(local[0]))) problems.push(`'local' is not the built-in one: ${JSON.stringify(local)}`);

    const doctor = await run(["doctor"]);
    if (doctor.status !== 1 || !doctor.stdout.includes(hostile.package) || !hostile.cause.test(doctor.stdout + doctor.stderr))
      problems.push(`doctor does not name ${hostile.package} with its cause: ${brief(doctor)}`);
    for (const args of [
      ["stack", "list"],
      ["stack", "validate", "default"],
      ["--help"],
      ["artifact-store", "register", `m_${HOSTILE.indexOf(hostile)}`, "--flavor", "multi", "--path", join(home.base, "m1")],
    ]) {
      const r = await run(args);
      if (r.status !== 0 || BUG_PATTERN.test(r.stderr)) problems.push(`zen ${args.join(" ")}: ${brief(r)}`);
    }
    if (hostile.checkFails) {
      const check = await run(["flavor", "check", join(project, "node_modules", hostile.package)]);
      if (check.status === 0) problems.push(`flavor check passes it: ${brief(check)}`);
    }
    if (hostile.runPipeline) {
      writeTree(project, {
        "pipe.ts": `import { pipeline, step } from "@zen/core";
const one = step({ name: "one", run: async () => 1 });
export default pipeline("p", () => { one(); });
`,
      });
      const r = await run(["pipeline", "run", "pipe.ts", "--stack", "default"]);
      if (r.status !== 0) problems.push(`pipeline run on the default stack: ${brief(r)}`);
    }
    figures.push([hostile.label, problems.length ? `${problems.length} problems` : `held (${ms(performance.now() - started)})`]);
    if (!problems.length) held.push(hostile.label);
    expect(problems).toEqual([]);
  });
});
