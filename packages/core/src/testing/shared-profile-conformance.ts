/**
 * A profile store driver end to end through the `zen` binary, as a team meets it: profiles in
 * separate config directories (standing in for teammates' machines) pointing at one database URL,
 * the password only in ZEN_STORE_PASSWORD (never in zen's config), concurrent writers losing
 * nothing, a URL with a password refused, and a project without the driver package told what to install.
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ok, teammateCli } from "./shared-profile-cli.ts";

export interface SharedProfileFixture {
  /** The built CLI's entry (`packages/cli/bin/zen.cjs`). */
  zenBin: string;
  /** A project whose dependencies include the driver package. */
  project: string;
  /** A project without it. */
  bareProject: string;
  /** A fresh database's URL, without the password. */
  url: string;
  password: string;
  /** The package named in the "install …" error. */
  packageName: string;
  /** The metadata store flavor of the package and its `--key=value` options for the same database, password excluded. */
  metadataStore: { flavor: string; options: string[] };
  cleanup?: () => Promise<void>;
}

export interface SharedProfileOptions {
  /** Processes writing at once, registrations each, rounds of parallel updates (default 4, 25, 10). */
  writers?: number;
  registrations?: number;
  rounds?: number;
  timeoutMs?: number;
}

export function describeSharedProfileConformance(name: string, makeFixture: () => Promise<SharedProfileFixture>, options: SharedProfileOptions = {}): void {
  const writers = options.writers ?? 4;
  const registrations = options.registrations ?? 25;
  const rounds = options.rounds ?? 10;
  // About 150 zen processes; the time is their start-up (~0.6 s of CPU each, as on a local profile;
  // the database work is a few ms per command): ~45 s on an idle 2-core machine, minutes on a busy one.
  const timeout = options.timeoutMs ?? 600_000;

  describe(`shared profile through the CLI: ${name}`, () => {
    let f: SharedProfileFixture;
    const dirs: string[] = [];
    const configDir = () => {
      const dir = mkdtempSync(join(tmpdir(), "zen-team-config-"));
      dirs.push(dir);
      return dir;
    };
    const cli = teammateCli(() => f);
    const zen = cli.zen;
    const zenAsync = cli.zenAsync;
    const teamConfigs: string[] = [];

    beforeAll(async () => {
      f = await makeFixture();
      for (let i = 0; i < writers; i++) {
        const dir = configDir();
        // The first teammate leaves the store type to the URL's scheme.
        ok(zen(dir, ["profile", "create", "team", ...(i === 0 ? [] : ["--store-type", "sql"]), "--url", f.url]));
        ok(zen(dir, ["profile", "set", "team"]));
        teamConfigs.push(dir);
      }
    }, timeout);

    afterAll(async () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      await f?.cleanup?.();
    });

    it(
      "shows every teammate the same stacks, and keeps the password out of zen's config and output",
      () => {
        const [a, b] = teamConfigs as [string, string];
        ok(zen(a, ["artifact-store", "register", "team_store", "--flavor", "local", "--path", "/tmp/zen-team-artifacts"]));
        ok(zen(a, ["stack", "register", "team_stack", "-a", "team_store", "-o", "default", "-m", "default"]));
        const listed = ok(zen(b, ["stack", "list", "--output", "json"])).stdout;
        expect(listed).toContain("team_stack");
        const described = ok(zen(b, ["profile", "describe", "team"]));
        expect(described.stdout).toContain(f.url.replace(/\?.*$/, ""));
        expect(ok(zen(a, ["profile", "describe", "team"])).stdout).toMatch(/STORE_TYPE[\s│]+sql/);
        for (const dir of teamConfigs) {
          const r = zen(dir, ["profile", "list"]);
          expect(r.stdout + r.stderr).not.toContain(f.password);
          expect(readFileSync(join(dir, "config.yaml"), "utf8")).not.toContain(f.password);
        }
      },
      timeout,
    );

    it(
      `loses nothing with ${writers} processes × ${registrations} registrations and ${rounds} rounds of parallel updates`,
      async () => {
        await Promise.all(
          teamConfigs.map(async (dir, w) => {
            for (let i = 0; i < registrations; i++)
              ok(await zenAsync(dir, ["artifact-store", "register", `w${w}_${i}`, "--flavor", "local", "--path", `/tmp/w${w}/${i}`]));
          }),
        );
        for (let round = 0; round < rounds; round++) {
          await Promise.all(
            teamConfigs.map(async (dir, w) => ok(await zenAsync(dir, ["artifact-store", "update", `w${w}_0`, `--path=/tmp/w${w}/round${round}`]))),
          );
        }
        const items = JSON.parse(ok(zen(teamConfigs[0]!, ["artifact-store", "list", "--output", "json"])).stdout).items as { name: string }[];
        const names = new Set(items.map((i) => i.name));
        for (let w = 0; w < writers; w++) for (let i = 0; i < registrations; i++) expect(names).toContain(`w${w}_${i}`);
        for (let w = 0; w < writers; w++) {
          const shown = ok(zen(teamConfigs[(w + 1) % writers]!, ["artifact-store", "describe", `w${w}_0`, "--output", "json"])).stdout;
          expect(shown).toContain(`/tmp/w${w}/round${rounds - 1}`);
        }
      },
      timeout,
    );

    it(
      "records a pipeline run in the database's metadata store that another teammate lists and describes",
      async () => {
        const [a, b] = teamConfigs as [string, string];
        writeFileSync(
          join(f.project, "team-pipeline.mjs"),
          [
            'import { pipeline, step } from "@zen/core";',
            'const load = step({ name: "load", run: async () => [1, 2, 3] });',
            'const total = step({ name: "total", run: async (xs) => xs.reduce((x, y) => x + y, 0) });',
            'export default pipeline("team_pipeline", () => { total(load()); });',
            "",
          ].join("\n"),
        );
        ok(zen(a, ["secrets-manager", "register", "team_secrets", "--flavor", "local"]));
        ok(zen(a, ["metadata-store", "register", "team_runs", "--flavor", f.metadataStore.flavor, ...f.metadataStore.options, "--password={{db.password}}"]));
        ok(zen(a, ["stack", "register", "run_stack", "-o", "default", "-a", "default", "-m", "team_runs", "-x", "team_secrets", "--set"]));
        // Secrets stay on each machine (the local secrets manager): each teammate registers the password.
        for (const dir of [a, b]) ok(zen(dir, ["secret", "register", "db", `--password=${f.password}`, "--stack", "run_stack"]));
        const run = ok(zen(a, ["pipeline", "run", "team-pipeline.mjs", "--run-name", "team_run_1"]));
        expect(run.stdout + run.stderr).not.toContain(f.password);
        const listed = ok(zen(b, ["pipeline", "runs", "list", "--stack", "run_stack", "--output", "json"])).stdout;
        expect(listed).toContain("team_run_1");
        const described = ok(zen(b, ["pipeline", "runs", "describe", "team_run_1", "--stack", "run_stack", "--output", "json"])).stdout;
        expect(described).toContain("completed");
        expect(described).toContain("total");
        expect(described).not.toContain(f.password);
      },
      timeout,
    );

    it(
      "refuses a URL with a password in it, and records nothing",
      () => {
        const dir = configDir();
        const leaky = f.url.replace(/^([a-z]+:\/\/)([^@]+)@/, `$1$2:${f.password}@`);
        const r = zen(dir, ["profile", "create", "leaky", "--store-type", "sql", "--url", leaky]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/password/i);
        expect(r.stderr).not.toContain(f.password);
        const list = zen(dir, ["profile", "list"]);
        expect(list.stdout).not.toContain("leaky");
      },
      timeout,
    );

    it(
      "names the package to install in a project without the driver",
      () => {
        const r = zen(configDir(), ["profile", "create", "team", "--store-type", "sql", "--url", f.url], f.bareProject);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(f.packageName);
        expect(r.stderr).toMatch(/install/);
      },
      timeout,
    );
  });
}
