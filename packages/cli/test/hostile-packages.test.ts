// Flavor packages whose flavors module does something hostile when imported — exits, prints to
// stdout, never finishes loading — are indexed in a child process: each is named broken with its
// cause, and zen's own output, exit codes and the other packages are unaffected.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject, type FlavorPackageFixtureOptions } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

const healthy = (project: string, name: string, flavor: string, extra: Partial<FlavorPackageFixtureOptions> = {}) =>
  flavorPackageFixture({ project, name, flavors: [{ type: "artifact_store", name: flavor }], ...extra });

/** Short import bound, so the hanging case takes a second instead of ten. */
const FAST = { ZEN_DISCOVERY_IMPORT_TIMEOUT_MS: "1500" };

interface HostileCase {
  label: string;
  options: Partial<FlavorPackageFixtureOptions>;
  cause: RegExp;
}

const cases: HostileCase[] = [
  {
    label: "calls process.exit(0)",
    options: { exitOnImport: 0 },
    cause: /'zen-integration-hostile' called process\.exit\(0\) while its flavors module was imported/,
  },
  {
    label: "calls process.exit(3)",
    options: { exitOnImport: 3 },
    cause: /'zen-integration-hostile' called process\.exit\(3\) while its flavors module was imported/,
  },
  {
    label: "kills its own process",
    options: { killOnImport: true },
    cause: /'zen-integration-hostile' made the process exit while its flavors module was imported \(it was killed by SIGKILL\)/,
  },
  {
    label: "never finishes loading",
    options: { hangOnImport: true },
    cause: /'zen-integration-hostile' did not finish loading its flavors module within 1\.5 s/,
  },
];

describe("hostile flavor packages", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
  });

  it.each(cases.map((c) => [c.label, c] as const))("a package that %s is broken with that cause; zen keeps working", (_label, hostile) => {
    const project = makeProject({ dir: join(s.cwd, hostile.label.replace(/\W+/g, "-")) });
    healthy(project, "zen-integration-before", "before");
    const pkg = healthy(project, "zen-integration-hostile", "hostile", hostile.options);
    healthy(project, "zen-integration-after", "after");
    const started = Date.now();

    // Cold cache: the table is printed, the exit code is zen's own.
    const table = s.zen(["artifact-store", "flavor", "list"], { cwd: project, env: FAST });
    expect({ status: table.status, stderr: table.stderr }).toMatchObject({ status: 0, stderr: expect.stringMatching(hostile.cause) });
    for (const name of ["local", "before", "after"]) expect(table.stdout).toMatch(new RegExp(`│ ${name} +│`));

    // zen doctor names the package and the cause, and still lists the others as fine.
    const doctor = s.zen(["doctor"], { cwd: project, env: FAST });
    expect({ status: doctor.status, stderr: doctor.stderr }).toEqual({ status: 1, stderr: expect.any(String) });
    expect(doctor.stdout + doctor.stderr).toMatch(/✖ zen-integration-hostile \(project\)/);
    expect(doctor.stdout).toMatch(hostile.cause);
    expect(doctor.stdout).toMatch(/✔ zen-integration-before \(project\) artifact_store\/before/);
    expect(doctor.stdout).toMatch(/✔ zen-integration-after \(project\) artifact_store\/after/);
    // A bounded wait: the hanging import costs its bound once per scan, not forever.
    expect(Date.now() - started).toBeLessThan(60_000);

    // Warm cache: the broken package is still named, and registering a healthy flavor works.
    const warm = s.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project, env: FAST });
    expect(warm.status).toBe(0);
    expect(warm.stderr).toMatch(hostile.cause);
    const names = (JSON.parse(warm.stdout).items as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["local", "before", "after"]));
    // `zen flavor check` fails the package, with the same cause.
    const check = s.zen(["flavor", "check", pkg.root], { cwd: project, env: FAST });
    expect(check.status).toBe(1);
    expect(check.stdout + check.stderr).toMatch(hostile.cause);

    expect(s.zen(["artifact-store", "register", `after_${cases.indexOf(hostile)}`, "--flavor", "after", "--path", "/tmp/after"], { cwd: project }).status).toBe(
      0,
    );
  });

  it("keeps --output json valid on a cold cache when a package prints to stdout while it is imported", () => {
    const project = makeProject({ dir: join(s.cwd, "printer") });
    healthy(project, "zen-integration-printer", "printer", { printOnImport: "HELLO FROM A FLAVOR PACKAGE\n{not json" });
    const list = s.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project });
    expect(list.status).toBe(0);
    expect(list.stdout).not.toContain("HELLO");
    const names = (JSON.parse(list.stdout).items as { name: string; ready: boolean }[]).map((f) => [f.name, f.ready]);
    expect(names).toEqual(
      expect.arrayContaining([
        ["local", true],
        ["printer", true],
      ]),
    );
    const doctor = s.zen(["doctor", "--output", "json"], { cwd: project });
    expect(doctor.status).toBe(0);
    expect(JSON.parse(doctor.stdout).kind).toBe("doctor");
  });

  it("never lets a package take over a built-in flavor: the default stack keeps the built-in, and the claim is named", () => {
    const project = makeProject({ dir: join(s.cwd, "hijack") });
    // Its `local` needs a `bucket`: a component checked against its schema would fail.
    flavorPackageFixture({
      project,
      name: "zen-integration-hijack",
      flavors: [{ type: "artifact_store", name: "local", description: "NOT the built-in", config: "z.object({ bucket: z.string() })" }],
    });
    const claim = /Package 'zen-integration-hijack' provides the artifact store flavor 'local', which is built into zen: the built-in one is used\./;
    const list = s.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project });
    expect(list.status).toBe(0);
    expect(list.stderr).toMatch(claim);
    const local = (JSON.parse(list.stdout).items as { name: string; description: string; source: { kind: string } }[]).filter((f) => f.name === "local");
    expect(local).toEqual([
      expect.objectContaining({ description: "Stores artifacts in a directory on this machine", source: expect.objectContaining({ kind: "builtin" }) }),
    ]);
    const doctor = s.zen(["doctor"], { cwd: project });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(/✖ zen-integration-hijack \(project\)/);
    expect(doctor.stdout).toMatch(claim);
    const validate = s.zen(["stack", "validate", "default"], { cwd: project });
    expect({ status: validate.status, stderr: validate.stderr }).toMatchObject({ status: 0 });
    const registered = s.zen(["artifact-store", "register", "mine", "--flavor", "local", "--path", join(s.cwd, "artifacts")], { cwd: project });
    expect({ status: registered.status, stderr: registered.stderr }).toMatchObject({ status: 0 });
    const described = s.zen(["artifact-store", "describe", "mine", "--output", "json"], { cwd: project });
    expect(described.stdout).not.toContain("zen-integration-hijack");
  });

  it("starts one indexing process for a cold scan and none on a warm cache", () => {
    const project = makeProject({ dir: join(s.cwd, "spawns") });
    healthy(project, "zen-integration-one", "one");
    healthy(project, "zen-integration-two", "two");
    healthy(project, "zen-integration-three", "three");
    // Every Node process started (zen and any child) appends its pid to the log.
    const log = join(s.cwd, "processes.log");
    const hook = join(s.cwd, "log-process.cjs");
    writeFileSync(hook, `require("node:fs").appendFileSync(${JSON.stringify(log)}, process.pid + "\\n");\n`);
    const processes = (args: string[]) => {
      rmSync(log, { force: true });
      const result = s.zen(args, { cwd: project, env: { NODE_OPTIONS: `--require ${hook}` } });
      expect({ args, status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0;
    };
    expect(processes(["artifact-store", "flavor", "list"])).toBe(2); // zen and one indexing child
    expect(processes(["artifact-store", "flavor", "list"])).toBe(1);
    expect(processes(["stack", "list"])).toBe(1);
    expect(processes(["--help"])).toBe(1);
  });
});
