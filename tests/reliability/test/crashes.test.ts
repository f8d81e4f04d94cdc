// kill -9 at random moments of register / update / profile create / secret writes, in four config
// dirs at once. After each kill, a read and a write of the same kind must succeed promptly (the
// dead writer's lock is taken over at once), leaving no temp file, no lock and no half-created
// profile. A pipeline run killed mid-step is shown as failed (crashed) by the next reader.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { writeTree } from "@zen/test-utils";
import { parse } from "yaml";
import { leftovers } from "./support/files.ts";
import { ms, recordFigures, type Row } from "./support/figures.ts";
import { unparsableFiles } from "./support/parse-check.ts";
import { makeRelProject } from "./support/project.ts";
import { seededRandom, suiteSeed } from "./support/random.ts";
import { brief, makeHome, runZen, startZen, type Home, type ZenResult } from "./support/zen-process.ts";

const KILLS = 200;
const LANES = 4;
/** A follow-up read or write must finish within this after a kill (a stale lock must not make it wait). */
const PROMPT_MS = 3_000;
const SEED = suiteSeed(20261201);

type Kind = "register" | "update" | "profile-create" | "secret";
const KINDS: Kind[] = ["register", "update", "profile-create", "secret"];

interface Step {
  write: string[];
  read: string[];
}

/** The write killed, and the read and write that follow it (n numbers the names). */
function step(kind: Kind, n: number): Step {
  switch (kind) {
    case "register":
      return { write: ["orchestrator", "register", `o${n}`, "--flavor", "local"], read: ["stack", "list"] };
    case "update":
      return { write: ["container-registry", "update", "cr", `--uri=registry.example.com/r${n}`], read: ["container-registry", "describe", "cr"] };
    case "profile-create":
      return { write: ["profile", "create", `p${n}`, ...(n % 2 ? ["--store-type", "sql"] : [])], read: ["profile", "list"] };
    case "secret":
      return { write: ["secret", "update", "s", `--k${n}=value-${n}`, "--stack", "sec"], read: ["secret", "get", "s", "--stack", "sec"] };
  }
}

/** Profile directories that the global config does not list: the remains of an interrupted creation. */
function halfCreatedProfiles(home: Home): string[] {
  let dirs: string[] = [];
  try {
    dirs = readdirSync(join(home.configDir, "profiles"));
  } catch {
    return [];
  }
  const config = parse(readFileSync(join(home.configDir, "config.yaml"), "utf8")) as { profiles?: Record<string, unknown> };
  return dirs.filter((dir) => !Object.hasOwn(config.profiles ?? {}, dir));
}

const figures: Row[] = [];
afterAll(() => recordFigures("crashes", 2, figures));

describe(`kill -9 during writes (seed ${SEED}; replay with ZEN_RELIABILITY_SEED=${SEED})`, () => {
  it(`${KILLS} kills at random moments, each followed by a prompt read and write and no leftovers`, async () => {
    const problems: string[] = [];
    let maxFollowUp = 0;
    let slowFollowUps = 0;
    let takeOvers = 0;
    let followUpCount = 0;
    const started = performance.now();

    const lanes = await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        const home = makeHome(`zen-rel-crash-${lane}-`);
        const setup = [
          ["stack", "list"],
          ["container-registry", "register", "cr", "--flavor", "default", "--uri=registry.example.com/r"],
          ["secrets-manager", "register", "sm", "--flavor", "local"],
          ["stack", "register", "sec", "-o", "default", "-a", "default", "-m", "default", "-x", "sm"],
          ["secret", "register", "s", "--a=1", "--stack", "sec"],
        ];
        for (const args of setup) {
          const r = await runZen(home, args, { timeoutMs: 60_000 });
          if (r.status !== 0) throw new Error(`setup zen ${args.join(" ")}: ${brief(r)}`);
        }
        // How long each kind takes unkilled: kills land uniformly over [0, 1.2 × that].
        const duration: Record<string, number> = {};
        for (const kind of KINDS) duration[kind] = (await runZen(home, step(kind, 100_000 + lane).write, { timeoutMs: 60_000 })).ms;
        return { home, duration };
      }),
    );

    // Kills that land after the process ended do not count: each lane goes on until KILLS real ones.
    let kills = 0;
    await Promise.all(
      lanes.map(async ({ home, duration }, lane) => {
        for (let n = lane; kills < KILLS && n < KILLS * 3; n += LANES) {
          const kind = KINDS[Math.floor(n / LANES) % KINDS.length]!;
          const moment = seededRandom(SEED + n)() * 0.9;
          const { write, read } = step(kind, n);
          const { child } = startZen(home, write);
          const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
          await new Promise((resolve) => setTimeout(resolve, moment * duration[kind]!));
          if (child.exitCode !== null) continue;
          kills++;
          child.kill("SIGKILL");
          await closed;

          const followUps: [string, ZenResult][] = [
            ["read", await runZen(home, read, { timeoutMs: 20_000 })],
            ["write", await runZen(home, step(kind, n + 1_000).write, { timeoutMs: 20_000 })],
          ];
          // Profile creation: creating the killed name again completes or refuses cleanly.
          if (kind === "profile-create") followUps.push(["same-name write", await runZen(home, write, { timeoutMs: 20_000 })]);
          for (const [what, r] of followUps) {
            followUpCount++;
            maxFollowUp = Math.max(maxFollowUp, r.ms);
            if (r.ms > PROMPT_MS) slowFollowUps++;
            if (/taking it over/.test(r.stderr)) takeOvers++;
            const refusedDuplicate = what === "same-name write" && r.status === 1 && /already exists/.test(r.stderr);
            if ((r.status !== 0 && !refusedDuplicate) || r.ms > PROMPT_MS) {
              const args = (what === "read" ? read : write).join(" ");
              problems.push(`kill #${n} (${kind} at ${Math.round(moment * duration[kind]!)} ms), then ${what} \`zen ${args}\`: ${brief(r)}`);
            }
          }
          const left = leftovers(home.configDir);
          if (left.length) problems.push(`kill #${n} (${kind}): left after the next write: ${left.join(", ")}`);
          const half = halfCreatedProfiles(home);
          if (half.length) problems.push(`kill #${n} (${kind}): profile directories the config does not list: ${half.join(", ")}`);
        }
        const broken = unparsableFiles(home.configDir);
        if (broken.length) problems.push(`lane ${lane}: files that do not parse: ${broken.join("; ")}`);
      }),
    );

    figures.push(
      [
        `\`kill -9\` during register / update / profile create / secret writes (${LANES} config dirs at once, seed ${SEED})`,
        `${kills} kills of running writers, in ${ms(performance.now() - started)}`,
      ],
      [
        "read + write right after each kill",
        `${followUpCount} follow-ups, ${problems.length} problems, slowest ${ms(maxFollowUp)}, ${slowFollowUps} over ${ms(PROMPT_MS)}`,
      ],
      ["dead writer's lock taken over (notice on stderr)", `${takeOvers} times`],
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(problems.slice(0, 40)).toEqual([]);
  });
});

describe("a pipeline run killed mid-run", () => {
  it("is shown as failed (crashed) with the reason by the next reader, never as running", async () => {
    const home = makeHome("zen-rel-crash-run-");
    const project = makeRelProject(home);
    writeTree(project, {
      "slow.ts": `import { pipeline, step } from "@zen/core";
const first = step({ name: "first", run: async () => 1 });
const slow = step({ name: "slow", run: async (x: number) => { await new Promise((r) => setTimeout(r, 60_000)); return x + 1; } });
export default pipeline("slow_pipeline", () => { slow(first()); });
`,
    });
    const results: string[] = [];
    const problems: string[] = [];
    for (const waitFor of [/Step 'first' started/, /Step 'slow' started/]) {
      const { child, output } = startZen(home, ["pipeline", "run", "slow.ts", "--no-cache"], { cwd: project });
      const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
      const deadline = Date.now() + 60_000;
      while (!waitFor.test(output.stderr) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      child.kill("SIGKILL");
      await closed;
      const run = /as run '([^']+)'/.exec(output.stderr)?.[1];
      if (!run) {
        problems.push(`no run started before the kill: ${output.stderr.slice(-300)}`);
        continue;
      }
      const list = await runZen(home, ["pipeline", "runs", "list", "--output", "json"], { cwd: project, timeoutMs: 20_000 });
      const item = (JSON.parse(list.stdout || "{}").items ?? []).find((r: { name: string }) => r.name === run) as { status: string } | undefined;
      const describe = await runZen(home, ["pipeline", "runs", "describe", run], { cwd: project, timeoutMs: 20_000 });
      results.push(`${run}: ${item?.status}`);
      if (!item || !/^(failed|crashed)$/.test(item.status))
        problems.push(`killed run ${run} (${waitFor.source}) is listed as '${item?.status}': ${brief(list)}`);
      if (describe.status !== 0 || !/crash|no longer running|was killed|process .* (ended|exited|gone)/i.test(describe.stdout + describe.stderr)) {
        problems.push(`\`zen pipeline runs describe ${run}\` does not give the reason: ${brief(describe)}`);
      }
    }
    const again = await runZen(home, ["pipeline", "runs", "list"], { cwd: project, timeoutMs: 20_000 });
    figures.push(["`zen pipeline run` killed mid-step, then `pipeline runs list`", results.join("; ") || "no run recorded"]);
    expect(problems).toEqual([]);
    expect(again.status).toBe(0);
  });
});
