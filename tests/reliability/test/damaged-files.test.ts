// Damaged files: every file zen reads (global config, YAML and SQL stores, the metadata database,
// the secrets key and secret files, the repository config, a stack import file, the discovery and
// parse caches), each emptied, truncated, filled with garbage, given the wrong shape or a future
// version, made an alias bomb or deleted. A damaged file is an error (exit 1) naming the file, and its
// bytes are left as they were: no write goes ahead over it. A damaged cache is rebuilt without a word.
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { makeTempDir, writeTree } from "@zen/test-utils";
import { damageFile, type Damage } from "./support/damage.ts";
import { listFiles } from "./support/files.ts";
import { recordFigures, type Row } from "./support/figures.ts";
import { makeRelProject } from "./support/project.ts";
import { BUG_PATTERN, brief, runZen, type Home } from "./support/zen-process.ts";

interface Case {
  /** Which file, relative to the home (found after set-up). */
  target: string;
  damage: Damage;
  /** What "wrong shape" / SQL damage writes. */
  shape?: string;
  sql?: string;
  /** Commands run after the damage: each must exit `status`. */
  commands: { args: string[]; inProject?: boolean }[];
  status: 0 | 1;
  /** For caches: rebuilt silently (exit 0, nothing on stderr about it). */
  silent?: boolean;
  /** Other file names the message may give instead (a truncated config can point at a store that is not there). */
  orNames?: string[];
}

let base: string;
let home: Home;
let pristine: string;
let project: string;
const files: Record<string, string> = {};
const figures: Row[] = [];
const outcomes: { label: string; ok: boolean }[] = [];

const STORE_CMDS = [{ args: ["stack", "list"] }, { args: ["orchestrator", "register", "zz", "--flavor", "local"] }];
const SQL_CMDS = [{ args: ["--profile", "sqlp", "stack", "list"] }, { args: ["--profile", "sqlp", "orchestrator", "register", "zz", "--flavor", "local"] }];
const SECRET_CMDS = [{ args: ["secret", "get", "s", "--stack", "sec"] }, { args: ["secret", "update", "s", "--other=2", "--stack", "sec"] }];
const REPO_CMDS = [
  { args: ["stack", "list"], inProject: true },
  { args: ["stack", "set", "default"], inProject: true },
];
const RUNS_CMDS = [{ args: ["pipeline", "runs", "list"], inProject: true }];
const CACHE_CMDS = [{ args: ["artifact-store", "flavor", "list", "--output", "json"], inProject: true }];
const IMPORT_CMDS = [{ args: ["stack", "import", "../export.yaml", "--name", "imported"], inProject: true }];

const five: Damage[] = ["empty", "truncated", "garbage", "wrong shape", "future version"];
const cases: Case[] = [
  ...[...five, "alias bomb" as const].map(
    (damage): Case => ({ target: "config.yaml", damage, commands: STORE_CMDS, status: 1, orNames: damage === "truncated" ? ["stacks.yaml"] : [] }),
  ),
  ...[...five, "alias bomb" as const, "missing" as const].map(
    (damage): Case => ({
      target: "stacks.yaml",
      damage,
      shape: "format_version: 1\ncomponents: 7\nstacks: [a, b]\n",
      commands: STORE_CMDS,
      status: 1,
    }),
  ),
  ...(["empty", "truncated", "garbage", "table missing", "future version", "missing"] as Damage[]).map(
    (damage): Case => ({
      target: "zen.db",
      damage,
      sql: damage === "table missing" ? "DROP TABLE stacks" : "UPDATE schema_version SET version = 999",
      commands: SQL_CMDS,
      status: 1,
    }),
  ),
  ...(["empty", "truncated", "garbage", "table missing", "future version"] as Damage[]).map(
    (damage): Case => ({
      target: "metadata.db",
      damage,
      sql: damage === "table missing" ? "PRAGMA foreign_keys = OFF; DROP TABLE runs" : "PRAGMA user_version = 999",
      commands: RUNS_CMDS,
      status: 1,
    }),
  ),
  ...(["empty", "truncated", "garbage", "missing"] as Damage[]).map((damage): Case => ({ target: "secrets.key", damage, commands: SECRET_CMDS, status: 1 })),
  ...five.map((damage): Case => ({ target: "secret file", damage, shape: '{"format_version": 1, "iv": 5}', commands: SECRET_CMDS, status: 1 })),
  ...[...five, "alias bomb" as const].map(
    (damage): Case => ({
      target: ".zen/config.yaml",
      damage,
      // The repository config's own key with a list for a name (an unknown key is kept, not refused).
      shape: "format_version: 1\nactive_profile_name: [x]\n",
      commands: REPO_CMDS,
      status: 1,
    }),
  ),
  // Not "truncated": an export cut short can still be a valid, smaller export (its components then clash).
  ...(["empty", "null", "garbage", "wrong shape", "future version", "alias bomb", "missing"] as Damage[]).map(
    (damage): Case => ({
      target: "export.yaml",
      damage,
      shape: "format: zen-stack\nformatVersion: 1\nstack: {name: imported}\ncomponents: [1, 2]\n",
      commands: IMPORT_CMDS,
      status: 1,
    }),
  ),
  ...(["empty", "truncated", "garbage", "null", "wrong shape", "future version"] as Damage[]).map(
    (damage): Case => ({
      target: "discovery cache",
      damage,
      shape: '{"builtins": null}',
      commands: CACHE_CMDS,
      status: 0,
      silent: true,
    }),
  ),
  ...(["empty", "garbage", "null"] as Damage[]).map(
    (damage): Case => ({
      target: "stacks.yaml parse cache",
      damage,
      commands: [{ args: ["stack", "list", "--output", "json"] }],
      status: 0,
      silent: true,
    }),
  ),
];

function label(c: Case): string {
  return `${c.target}: ${c.damage}`;
}

/** Restores the pristine home (same absolute paths: the config records them). */
function restore(): void {
  rmSync(home.base, { recursive: true, force: true });
  cpSync(pristine, home.base, { recursive: true });
}

beforeAll(async () => {
  base = makeTempDir("zen-rel-damaged-");
  const root = join(base, "home");
  home = {
    base: root,
    configDir: join(root, "config"),
    cwd: join(root, "work"),
    env: { PATH: process.env.PATH ?? "", HOME: root, ZEN_CONFIG_PATH: join(root, "config"), NO_COLOR: "1", CI: "1" },
  };
  writeTree(home.cwd, { ".keep": "" });
  project = makeRelProject(home);
  writeTree(project, {
    "pipe.ts": `import { pipeline, step } from "@zen/core";
const one = step({ name: "one", run: async () => 1 });
export default pipeline("p", () => { one(); });
`,
  });
  const setup: [string[], string][] = [
    [["stack", "list"], home.cwd],
    [["secrets-manager", "register", "sm", "--flavor", "local"], home.cwd],
    [["stack", "register", "sec", "-o", "default", "-a", "default", "-m", "default", "-x", "sm"], home.cwd],
    [["secret", "register", "s", "--token=abc", "--stack", "sec"], home.cwd],
    [["profile", "create", "sqlp", "--store-type", "sql"], home.cwd],
    [["--profile", "sqlp", "stack", "list"], home.cwd],
    [["stack", "export", "sec", join(root, "export.yaml")], home.cwd],
    [["init"], project],
    [["pipeline", "run", "pipe.ts"], project],
    [["artifact-store", "flavor", "list"], project],
    [["stack", "list"], home.cwd],
  ];
  for (const [args, cwd] of setup) {
    const r = await runZen(home, args, { cwd, timeoutMs: 60_000 });
    if (r.status !== 0) throw new Error(`setup zen ${args.join(" ")}: ${brief(r)}`);
  }
  const all = listFiles(root);
  const find = (test: (f: string) => boolean, what: string) => {
    const hit = all.find(test);
    if (!hit) throw new Error(`set-up made no ${what}; files: ${all.filter((f) => !f.includes("node_modules")).join(", ")}`);
    return hit;
  };
  files["config.yaml"] = "config/config.yaml";
  files["stacks.yaml"] = "config/profiles/default/stacks.yaml";
  files["zen.db"] = "config/profiles/sqlp/zen.db";
  files["metadata.db"] = find((f) => f.startsWith("config/") && f.endsWith("/metadata.db"), "metadata.db");
  files["secrets.key"] = "config/secrets.key";
  files["secret file"] = find((f) => /^config\/secrets\/[^/]+\.json$/.test(f), "secret file");
  files[".zen/config.yaml"] = "project/.zen/config.yaml";
  files["export.yaml"] = "export.yaml";
  files["discovery cache"] = find((f) => /(^|\/)cache\/[^/]+\.json$/.test(f) && !f.includes("node_modules"), "discovery cache");
  files["stacks.yaml parse cache"] = "config/profiles/default/.stacks.yaml.parsed.json";
  pristine = join(base, "pristine");
  cpSync(root, pristine, { recursive: true });
});

afterAll(() => {
  const failed = outcomes.filter((o) => !o.ok);
  const targets = new Set(cases.map((c) => c.target));
  figures.push(
    ["damaged-file cases (files × damages)", `${cases.length} cases over ${targets.size} files, ${cases.reduce((n, c) => n + c.commands.length, 0)} commands`],
    ["cases that hold (exit code, file named, bytes unchanged / silent rebuild)", `${outcomes.length - failed.length} of ${outcomes.length}`],
  );
  recordFigures("damaged files", 3, figures);
});

describe("damaged files", () => {
  it.each(cases.map((c) => [label(c), c] as const))("%s", async (name, c) => {
    restore();
    const relative = files[c.target]!;
    const file = join(home.base, relative);
    damageFile(file, c.damage, { shape: c.shape, sql: c.sql });
    const before = existsSync(file) ? readFileSync(file) : undefined;
    const problems: string[] = [];
    for (const command of c.commands) {
      const r = await runZen(home, command.args, { cwd: command.inProject ? project : home.cwd, timeoutMs: 30_000 });
      const what = `zen ${command.args.join(" ")}`;
      if (r.status !== c.status) problems.push(`${what}: expected exit ${c.status}, got ${brief(r)}`);
      if (BUG_PATTERN.test(r.stderr)) problems.push(`${what}: reported as a bug: ${brief(r)}`);
      if (c.silent) {
        if (/cache|damaged|corrupt|rebuil/i.test(r.stderr)) problems.push(`${what}: not silent about the cache: ${brief(r)}`);
        if (c.target === "discovery cache" && r.status === 0 && !/"local"/.test(r.stdout)) problems.push(`${what}: no flavors listed: ${brief(r)}`);
        if (c.target.includes("parse cache") && r.status === 0 && !/"sec"/.test(r.stdout)) problems.push(`${what}: stack 'sec' missing: ${brief(r)}`);
      } else if (![basename(file), ...(c.orNames ?? [])].some((name) => r.stderr.includes(name))) {
        problems.push(`${what}: the message does not name ${basename(file)}: ${brief(r)}`);
      }
    }
    if (!c.silent) {
      const after = existsSync(file) ? readFileSync(file) : undefined;
      if (before === undefined ? after !== undefined : after === undefined || !before.equals(after)) {
        const change = after === undefined ? "deleted" : before === undefined ? "created" : "changed";
        problems.push(`${relative} was ${change} (${before?.length ?? "no"} → ${after?.length ?? "no"} bytes)`);
      }
    }
    outcomes.push({ label: name, ok: problems.length === 0 });
    expect(problems).toEqual([]);
  });

  it("export to a missing directory and with a 300-character name: exit 1 naming the path", async () => {
    restore();
    const problems: string[] = [];
    for (const target of ["/nonexistent/dir/x.yaml", join(home.cwd, `${"x".repeat(300)}.yaml`)]) {
      const r = await runZen(home, ["stack", "export", "sec", target], { timeoutMs: 30_000 });
      if (r.status !== 1 || BUG_PATTERN.test(r.stderr) || !r.stderr.includes(target.slice(0, 40)))
        problems.push(`export to ${target.slice(0, 60)}…: ${brief(r)}`);
    }
    outcomes.push({ label: "export paths", ok: problems.length === 0 });
    expect(problems).toEqual([]);
    expect(readdirSync(home.cwd)).toEqual([".keep"]);
  });
});
