// What only fuzzing reached, as dedicated cases: `zen clean -y` beside a user's file, names that are
// Object.prototype keys (as profile, stack, component and secret names, secret keys, `--profile`
// and ZEN_PROFILE: a clean error or a name that works fully, never a crash), and relative `--path`
// values (stored absolute, so run history is the same from any directory and no file appears there).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { writeTree } from "@zen/test-utils";
import { listFiles } from "./support/files.ts";
import { recordFigures, type Row } from "./support/figures.ts";
import { makeRelProject } from "./support/project.ts";
import { BUG_PATTERN, brief, makeHome, pool, runZen, type Home, type ZenResult } from "./support/zen-process.ts";

const PROTO_NAMES = ["__proto__", "constructor", "toString", "valueOf"];
const figures: Row[] = [];
afterAll(() => recordFigures("names, paths and clean", 6, figures));

/** exit 0/1/2 and nothing that looks like a crash. */
function clean(r: ZenResult): boolean {
  return [0, 1, 2].includes(r.status) && !r.timedOut && !BUG_PATTERN.test(r.stderr);
}

async function setUp(home: Home): Promise<void> {
  for (const args of [
    ["secrets-manager", "register", "sm", "--flavor", "local"],
    ["stack", "register", "sec", "-o", "default", "-a", "default", "-m", "default", "-x", "sm"],
  ]) {
    const r = await runZen(home, args, { timeoutMs: 60_000 });
    if (r.status !== 0) throw new Error(`setup zen ${args.join(" ")}: ${brief(r)}`);
  }
}

describe("zen clean -y beside a user's file", () => {
  it("removes zen's files, leaves the user's file in place and says so", async () => {
    const home = makeHome("zen-rel-clean-");
    await setUp(home);
    writeTree(home.configDir, { "important.txt": "mine\n", "notes/todo.md": "- keep\n" });
    const r = await runZen(home, ["clean", "-y"], { timeoutMs: 60_000 });
    expect(clean(r)).toBe(true);
    expect(r.status).toBe(0);
    expect(readFileSync(join(home.configDir, "important.txt"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(home.configDir, "notes/todo.md"), "utf8")).toBe("- keep\n");
    expect(`${r.stdout}${r.stderr}`).toMatch(/left in place.*important\.txt/i);
    // Only the user's files are left.
    expect(listFiles(home.configDir)).toEqual(["important.txt", "notes/todo.md"]);
    figures.push(["`zen clean -y` with a user's file in the config dir", "zen's files removed, user's 2 files left with a line naming them"]);
  });
});

describe("names that are Object.prototype keys", () => {
  it(`${PROTO_NAMES.join(", ")}: a clean error or a name that works fully, and zen keeps working`, async () => {
    let commands = 0;
    let worked = 0;
    const problems = (
      await pool(PROTO_NAMES, 2, async (name) => {
        const home = makeHome("zen-rel-proto-");
        await setUp(home);
        const out: string[] = [];
        const run = async (args: string[], env?: Record<string, string>) => {
          const r = await runZen(home, args, { timeoutMs: 60_000, env });
          commands++;
          if (!clean(r)) out.push(`${env ? `ZEN_PROFILE=${name} ` : ""}zen ${args.join(" ")}: ${brief(r)}`);
          return r;
        };
        const stillWorks = async (after: string) => {
          for (const args of [["stack", "list"], ["profile", "list"], ["status"]]) {
            const r = await run(args);
            if (r.status !== 0) out.push(`after ${after}: zen ${args.join(" ")} no longer works: ${brief(r)}`);
          }
        };
        /** A create that exits 0 must leave a thing that `read` finds. */
        const created = async (what: string, create: string[], read: string[], expectOut: RegExp) => {
          const r = await run(create);
          if (r.status !== 0) return;
          worked++;
          const shown = await run(read);
          if (shown.status !== 0 || !expectOut.test(shown.stdout))
            out.push(`${what} '${name}' was created but \`zen ${read.join(" ")}\` does not show it: ${brief(shown)}`);
        };

        await created("profile", ["profile", "create", name], ["profile", "list"], new RegExp(`\\b${name}\\b`));
        await run(["profile", "set", name]);
        await stillWorks(`zen profile set ${name}`);
        for (const r of [await run(["--profile", name, "stack", "list"]), await run(["stack", "list"], { ZEN_PROFILE: name })]) {
          if (r.status === 0 && !/default/.test(r.stdout)) out.push(`profile '${name}' selected but lists no stacks: ${brief(r)}`);
        }
        const deleted = await run(["profile", "delete", name, "--yes"]);
        if (deleted.status === 0 && /Deleted/.test(deleted.stdout + deleted.stderr)) {
          const list = await run(["profile", "list"]);
          if (new RegExp(`\\b${name}\\b`).test(list.stdout)) out.push(`profile '${name}' reported deleted but still listed`);
        }
        await created("orchestrator", ["orchestrator", "register", name, "--flavor", "local"], ["orchestrator", "list"], new RegExp(`\\b${name}\\b`));
        await created("stack", ["stack", "register", name, "-o", "default", "-a", "default", "-m", "default"], ["stack", "list"], new RegExp(`\\b${name}\\b`));
        await created("secret", ["secret", "register", name, "--a=1", "--stack", "sec"], ["secret", "get", name, "--stack", "sec"], /\ba\b/);
        // As a secret key: keys are ordinary data, so this must work.
        const keyed = await run(["secret", "register", "k", `--${name}=v1`, "--b=2", "--stack", "sec"]);
        if (keyed.status !== 0) out.push(`secret key '${name}' refused: ${brief(keyed)}`);
        else {
          const got = await run(["secret", "get", "k", "--stack", "sec", "--output", "json"]);
          if (!got.stdout.includes(`"${name}"`) || !got.stdout.includes('"b"')) out.push(`secret key '${name}' not kept: ${brief(got)}`);
        }
        await stillWorks(`using '${name}' everywhere`);
        return out;
      })
    ).flat();
    figures.push([
      "Object.prototype keys as names and keys (profile, stack, component, secret, --profile, ZEN_PROFILE)",
      `${PROTO_NAMES.length} names, ${commands} commands, ${worked} creations that worked fully, ${problems.length} problems`,
    ]);
    expect(problems).toEqual([]);
  });
});

describe("relative --path and --uri values", () => {
  it("are stored absolute: run history is the same from another directory, which gets no file", async () => {
    const home = makeHome("zen-rel-relpath-");
    const project = makeRelProject(home);
    writeTree(project, {
      "pipe.ts": `import { pipeline, step } from "@zen/core";
const one = step({ name: "one", run: async () => 1 });
export default pipeline("rel_pipe", () => { one(); });
`,
    });
    const elsewhere = join(home.base, "elsewhere");
    mkdirSync(elsewhere);
    const steps: [string[], string][] = [
      [["artifact-store", "register", "rel_a", "--flavor", "local", "--path", "stores/art"], project],
      [["metadata-store", "register", "rel_m", "--flavor", "sqlite", "--uri", "stores/meta.db"], project],
      [["stack", "register", "rel_s", "-o", "default", "-a", "rel_a", "-m", "rel_m"], project],
      [["stack", "set", "rel_s"], project],
      [["pipeline", "run", "pipe.ts"], project],
    ];
    for (const [args, cwd] of steps) {
      const r = await runZen(home, args, { cwd, timeoutMs: 90_000 });
      expect({ args, ok: r.status === 0 ? "" : brief(r) }).toEqual({ args, ok: "" });
    }
    const described = await runZen(home, ["artifact-store", "describe", "rel_a"], { cwd: elsewhere });
    expect(described.stdout).toContain(join(project, "stores/art"));
    expect(existsSync(join(project, "stores/meta.db"))).toBe(true);

    const fromProject = await runZen(home, ["pipeline", "runs", "list", "--output", "json"], { cwd: project });
    const before = listFiles(home.base).filter((f) => !f.includes("node_modules"));
    const fromElsewhere = await runZen(home, ["pipeline", "runs", "list", "--output", "json"], { cwd: elsewhere });
    const after = listFiles(home.base).filter((f) => !f.includes("node_modules"));
    const names = (r: ZenResult) => ((JSON.parse(r.stdout || "{}").items ?? []) as { name: string }[]).map((run) => run.name);
    expect(fromProject.status).toBe(0);
    expect(fromElsewhere.status).toBe(0);
    expect(names(fromProject)).toHaveLength(1);
    expect(names(fromElsewhere)).toEqual(names(fromProject));
    expect(listFiles(elsewhere)).toEqual([]);
    expect(after.filter((f) => !before.includes(f))).toEqual([]);
    figures.push(["relative `--path` / `--uri`, then `pipeline runs list` from another directory", "stored absolute; same history; no file created"]);
  });
});
