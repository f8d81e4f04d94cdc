// Parallel writers on a YAML and a SQL profile: 100 registers at once, then rounds of 5 parallel
// updates of different keys of one component, one secret and one stack. Every write that exited 0
// is there afterwards, no writer times out, and every file under the config dir still parses.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { recordFigures, ms, type Row } from "./support/figures.ts";
import { leftovers } from "./support/files.ts";
import { unparsableFiles } from "./support/parse-check.ts";
import { FIXTURE_TYPES, GROUP, STACK_OPTION, makeRelProject } from "./support/project.ts";
import { brief, makeHome, pool, runZen, type Home, type ZenResult } from "./support/zen-process.ts";

const PARALLEL_REGISTERS = 100;
const ROUNDS = 10;
const PARALLEL_UPDATES = 5;
const KEYS = ["k0", "k1", "k2", "k3", "k4"];

const figures: Row[] = [];
let home: Home;
let project: string;

async function zen(args: string[], profile: string): Promise<ZenResult> {
  // Generous: on a loaded machine 100 processes at once take minutes; a lock timeout inside zen shows as exit 1.
  return runZen(home, ["--profile", profile, ...args], { cwd: project, timeoutMs: 300_000 });
}
async function json(args: string[], profile: string): Promise<any> {
  const result = await zen([...args, "--output", "json"], profile);
  if (result.status !== 0) throw new Error(`zen ${args.join(" ")}: ${brief(result)}`);
  return JSON.parse(result.stdout);
}
async function ok(args: string[], profile: string): Promise<void> {
  const result = await zen(args, profile);
  if (result.status !== 0) throw new Error(`zen ${args.join(" ")}: ${brief(result)}`);
}

beforeAll(async () => {
  home = makeHome("zen-rel-concurrency-");
  project = makeRelProject(home);
  expect((await runZen(home, ["stack", "list"], { cwd: project })).status).toBe(0);
  expect((await runZen(home, ["profile", "create", "sqlp", "--store-type", "sql"], { cwd: project })).status).toBe(0);
});

afterAll(() => recordFigures("concurrency", 1, figures));

describe.each([
  ["YAML", "default"],
  ["SQL", "sqlp"],
])("parallel writers on a %s profile", (label, profile) => {
  it(`${PARALLEL_REGISTERS} parallel registers all succeed and are all listed`, async () => {
    const started = performance.now();
    const names = Array.from({ length: PARALLEL_REGISTERS }, (_, i) => `o${i}`);
    const results = await Promise.all(names.map((name) => zen(["orchestrator", "register", name, "--flavor", "local"], profile)));
    const wall = performance.now() - started;
    const failed = results.map((r, i) => [names[i], r] as const).filter(([, r]) => r.status !== 0);
    const listed = ((await json(["orchestrator", "list"], profile)).items as { name: string }[]).map((c) => c.name);
    const missing = names.filter((name) => !listed.includes(name));
    const slowest = ms(Math.max(...results.map((r) => r.ms)));
    figures.push([
      `${PARALLEL_REGISTERS} parallel \`orchestrator register\`, ${label} profile`,
      `${PARALLEL_REGISTERS - failed.length} exit 0, ${PARALLEL_REGISTERS - missing.length} listed, slowest ${slowest}, all done in ${ms(wall)}`,
    ]);
    expect(failed.map(([name, r]) => `${name}: ${brief(r)}`)).toEqual([]);
    expect(missing).toEqual([]);
  });

  it(`${ROUNDS} rounds of ${PARALLEL_UPDATES} parallel updates of different keys of a component keep every write`, async () => {
    await ok(["artifact-store", "register", "multi", "--flavor", "multi", "--path", `${home.base}/multi`], profile);
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(KEYS.map((key) => zen(["artifact-store", "update", "multi", `--${key}=r${round}-${key}`], profile)));
      for (const r of results) if (r.status !== 0) lost.push(`round ${round}: ${brief(r)}`);
      const config = (await json(["artifact-store", "describe", "multi"], profile)).item.config as Record<string, string>;
      for (const key of KEYS) if (config[key] !== `r${round}-${key}`) lost.push(`round ${round}: ${key} is ${config[key]}`);
    }
    figures.push([
      `${ROUNDS}×${PARALLEL_UPDATES} parallel \`artifact-store update\` of different keys, ${label}`,
      `${ROUNDS * KEYS.length - lost.length} of ${ROUNDS * KEYS.length} writes kept`,
    ]);
    expect(lost).toEqual([]);
  });

  it(`${ROUNDS} rounds of ${PARALLEL_UPDATES} parallel secret updates of different keys keep every key`, async () => {
    await ok(["secrets-manager", "register", "sm", "--flavor", "local"], profile);
    await ok(["stack", "register", "sec", "-o", "default", "-a", "default", "-m", "default", "-x", "sm"], profile);
    await ok(["secret", "register", "s", "--a=1", "--stack", "sec"], profile);
    const failures: string[] = [];
    const written: string[] = ["a"];
    for (let round = 0; round < ROUNDS; round++) {
      const keys = KEYS.map((k) => `r${round}_${k}`);
      const results = await Promise.all(keys.map((key) => zen(["secret", "update", "s", `--${key}=v${round}`, "--stack", "sec"], profile)));
      results.forEach((r, i) => (r.status === 0 ? written.push(keys[i]!) : failures.push(`round ${round}: ${brief(r)}`)));
    }
    const keys = (await json(["secret", "get", "s", "--stack", "sec"], profile)).item.keys as string[];
    const lost = written.filter((key) => !keys.includes(key));
    figures.push([
      `${ROUNDS}×${PARALLEL_UPDATES} parallel \`secret update\` of different keys, ${label}`,
      `${written.length - 1 - lost.length} of ${ROUNDS * KEYS.length} keys kept`,
    ]);
    expect(failures).toEqual([]);
    expect(lost).toEqual([]);
  });

  it(`${ROUNDS} rounds of ${PARALLEL_UPDATES} parallel stack updates of different component types keep every write`, async () => {
    const names = FIXTURE_TYPES.flatMap((type) => [0, 1].map((n) => [type, `${type}_r${n}`] as const));
    const registered = await pool(names, 10, ([type, name]) => zen([GROUP[type], "register", name, "--flavor", "fx"], profile));
    expect(registered.filter((r) => r.status !== 0).map(brief)).toEqual([]);
    await ok(["stack", "register", "st", "-o", "default", "-a", "default", "-m", "default"], profile);
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(FIXTURE_TYPES.map((type) => zen(["stack", "update", "st", STACK_OPTION[type], `${type}_r${round % 2}`], profile)));
      for (const r of results) if (r.status !== 0) lost.push(`round ${round}: ${brief(r)}`);
      const components = (await json(["stack", "describe", "st"], profile)).item.components as Record<string, { name: string }>;
      for (const type of FIXTURE_TYPES)
        if (components[type]?.name !== `${type}_r${round % 2}`) lost.push(`round ${round}: ${type} is ${components[type]?.name}`);
    }
    figures.push([
      `${ROUNDS}×${PARALLEL_UPDATES} parallel \`stack update\` of different components, ${label}`,
      `${ROUNDS * FIXTURE_TYPES.length - lost.length} of ${ROUNDS * FIXTURE_TYPES.length} writes kept`,
    ]);
    expect(lost).toEqual([]);
  });
});

it("leaves every file parsable and no temp or lock file behind", () => {
  const problems = unparsableFiles(home.configDir);
  const left = leftovers(home.configDir);
  figures.push(["files after the concurrency runs", `${problems.length} unparsable, ${left.length} leftovers`]);
  expect(problems).toEqual([]);
  expect(left).toEqual([]);
});
