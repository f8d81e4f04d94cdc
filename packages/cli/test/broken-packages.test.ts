// Broken flavor packages in a project (generated with @zen/test-utils): each is named with its cause
// by `zen doctor` and by the flavor list, a stack that uses one of its flavors says which package
// and why, and unrelated commands keep working.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { bumpInstallStamp, flavorPackageFixture, makeProject, type FlavorPackageFixtureOptions } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

interface BrokenCase {
  label: string;
  /** The broken package(s), written into the project. */
  install: (project: string) => void;
  /** The package `zen doctor` and the flavor list must name, and the cause they must give. */
  package: string;
  cause: RegExp;
}

const healthy = (project: string, name: string, flavor: string, extra: Partial<FlavorPackageFixtureOptions> = {}) =>
  flavorPackageFixture({ project, name, flavors: [{ type: "artifact_store", name: flavor }], ...extra });

const cases: BrokenCase[] = [
  {
    label: "throws on import",
    install: (project) => healthy(project, "zen-integration-throws", "throws", { throwOnImport: "the storage SDK is not installed" }),
    package: "zen-integration-throws",
    cause: /'zen-integration-throws' failed to load: the storage SDK is not installed/,
  },
  {
    label: "declares a flavor API version this zen does not support",
    install: (project) => healthy(project, "zen-integration-future", "future", { apiVersion: 2 }),
    package: "zen-integration-future",
    cause: /'zen-integration-future' uses flavor API version 2, but @zen\/core \S+ supports version 1/,
  },
  {
    label: "requires an incompatible @zen/core",
    install: (project) => healthy(project, "zen-integration-oldpeer", "oldpeer", { peerRange: ">=9.0.0" }),
    package: "zen-integration-oldpeer",
    cause: /'zen-integration-oldpeer' requires @zen\/core >=9\.0\.0, but this is @zen\/core \S+/,
  },
  {
    label: "does not export its flavors module",
    install: (project) => healthy(project, "zen-integration-noexport", "noexport", { exportFlavors: false }),
    package: "zen-integration-noexport",
    cause: /'zen-integration-noexport' does not export "\.\/flavors", which its "zen\.flavors" names/,
  },
  {
    label: "provides a flavor another package provides too",
    install: (project) => {
      healthy(project, "zen-integration-twin-a", "twin");
      healthy(project, "@acme/zen-integration-twin-b", "twin");
    },
    package: "@acme/zen-integration-twin-b",
    cause: /Packages 'zen-integration-twin-a' and '@acme\/zen-integration-twin-b' both provide the artifact store flavor 'twin'/,
  },
];

describe("broken flavor packages", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
  });

  /** A project with one healthy package (`fine`) and the broken case. */
  const projectWith = (brokenCase: BrokenCase) => {
    const project = makeProject({ dir: `${s.cwd}/${brokenCase.package.replace(/[@/]/g, "_")}` });
    healthy(project, "zen-integration-fine", "fine");
    brokenCase.install(project);
    return project;
  };

  it.each(cases.map((c) => [c.label, c] as const))("a package that %s is named with its cause, and nothing else breaks", (_label, brokenCase) => {
    const project = projectWith(brokenCase);

    const doctor = s.zen(["doctor"], { cwd: project });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(new RegExp(`✖ ${brokenCase.package.replace(/[/@.]/g, "\\$&")} \\(project\\)`));
    expect(doctor.stdout).toMatch(brokenCase.cause);
    expect(doctor.stdout).toMatch(/✔ zen-integration-fine \(project\) artifact_store\/fine/);

    const list = s.zen(["artifact-store", "flavor", "list", "--output", "json"], { cwd: project });
    expect(list.status).toBe(0);
    expect(list.stderr).toMatch(brokenCase.cause);
    const flavors = JSON.parse(list.stdout).items as { name: string; ready: boolean }[];
    expect(flavors).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "local", ready: true }), expect.objectContaining({ name: "fine", ready: true })]),
    );
    const table = s.zen(["artifact-store", "flavor", "list"], { cwd: project });
    expect(table.status).toBe(0);
    expect(table.stderr).toMatch(brokenCase.cause);

    // Unrelated commands work, and say nothing about the broken package.
    for (const args of [["stack", "list"], ["stack", "describe"], ["artifact-store", "list"], ["profile", "list"], ["--help"]]) {
      const result = s.zen(args, { cwd: project });
      expect({ args, status: result.status }).toEqual({ args, status: 0 });
      expect(result.stderr).not.toContain(brokenCase.package);
    }
    const validate = s.zen(["stack", "validate"], { cwd: project });
    expect(validate.status).toBe(0);
    // A healthy package's flavor is still usable next to the broken one.
    const registered = s.zen(["artifact-store", "register", `fine_${Date.now()}`, "--flavor", "fine", "--path", "/tmp/fine"], { cwd: project });
    expect(registered.status).toBe(0);
  });

  it("names the package and its cause when a stack uses a flavor of a package that broke since", () => {
    const project = makeProject({ dir: `${s.cwd}/broke-later` });
    healthy(project, "zen-integration-later", "later");
    expect(s.zen(["artifact-store", "register", "later_store", "--flavor", "later", "--path", "/tmp/later"], { cwd: project }).status).toBe(0);
    expect(s.zen(["stack", "register", "later_stack", "-o", "default", "-a", "later_store", "-m", "default"], { cwd: project }).status).toBe(0);
    expect(s.zen(["stack", "validate", "later_stack"], { cwd: project }).status).toBe(0);

    // A new version that fails to load, installed over the old one.
    healthy(project, "zen-integration-later", "later", { throwOnImport: "cannot find module '@later/sdk'", version: "2.0.0" });
    bumpInstallStamp(project);
    const broken = s.zen(["stack", "validate", "later_stack"], { cwd: project });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("Artifact store 'later_store' cannot be used: No artifact store flavor 'later': it comes from zen-integration-later");
    expect(broken.stderr).toContain("cannot find module '@later/sdk'");
    expect(s.zen(["stack", "list"], { cwd: project }).status).toBe(0);
    expect(s.zen(["stack", "validate", "default"], { cwd: project }).status).toBe(0);
  });

  it("keeps a component on the package it was registered with when a second package provides its flavor", () => {
    const project = makeProject({ dir: `${s.cwd}/twice` });
    healthy(project, "zen-integration-twin-a", "twin");
    expect(s.zen(["artifact-store", "register", "twin_store", "--flavor", "twin", "--path", "/tmp/twin"], { cwd: project }).status).toBe(0);
    expect(s.zen(["stack", "register", "twin_stack", "-o", "default", "-a", "twin_store", "-m", "default"], { cwd: project }).status).toBe(0);
    healthy(project, "@acme/zen-integration-twin-b", "twin");
    bumpInstallStamp(project);
    const validate = s.zen(["stack", "validate", "twin_stack"], { cwd: project });
    expect({ status: validate.status, stderr: validate.stderr }).toMatchObject({ status: 0 });
    // A new component cannot pick one by name: the conflict names both packages.
    const registered = s.zen(["artifact-store", "register", "twin_new", "--flavor", "twin", "--path", "/tmp/twin"], { cwd: project });
    expect(registered.status).toBe(1);
    expect(registered.stderr).toMatch(/Packages 'zen-integration-twin-a' and '@acme\/zen-integration-twin-b' both provide the artifact store flavor 'twin'/);
    expect(s.zen(["stack", "list"], { cwd: project }).status).toBe(0);
  });
});
