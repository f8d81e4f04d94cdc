// Flavors whose package was uninstalled or broke since an earlier discovery: the registry still says
// which package provided them (remembered in the cached index, or recorded by the component), and why
// it is gone.
import { describe, expect, it } from "@jest/globals";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bumpInstallStamp, flavorPackageFixture, makeProject, makeTempDir, rejectionOf } from "@zen/test-utils";
import { createFlavorRegistry, discover } from "../src/discovery/registry.ts";
import type { FlavorRegistryOptions } from "../src/discovery/flavor-registry-api.ts";

function options(project: string, cacheDir: string): FlavorRegistryOptions {
  return { projectRoot: project, cliRoot: undefined, customFlavors: [], cacheDir, onWarning: () => {} };
}

/** Removes a package from the project as `npm uninstall` does: its directory and its dependency entry. */
function uninstall(project: string, name: string): void {
  rmSync(join(project, "node_modules", name), { recursive: true, force: true });
  const file = join(project, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies: Record<string, string> };
  delete pkg.dependencies[name];
  writeFileSync(file, JSON.stringify(pkg, null, 2));
  bumpInstallStamp(project);
}

describe("former flavors", () => {
  it("names the package an uninstalled flavor came from, with the install command", async () => {
    const project = makeProject({ packageManager: "pnpm" });
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-gone", flavors: [{ type: "artifact_store", name: "gone" }] });
    flavorPackageFixture({ project, name: "zen-integration-stays", flavors: [{ type: "artifact_store", name: "stays" }] });
    expect((await discover(options(project, cacheDir))).index.formerFlavors).toBeUndefined();

    uninstall(project, "zen-integration-gone");
    const { index, cacheHit } = await discover(options(project, cacheDir));
    expect(cacheHit).toBe(false);
    expect(index.formerFlavors).toEqual([{ type: "artifact_store", name: "gone", package: "zen-integration-gone", version: "1.0.0" }]);

    const error = await rejectionOf(createFlavorRegistry(options(project, cacheDir)).load("artifact_store", "gone"));
    expect(error.code).toBe("ZEN_UNKNOWN_FLAVOR");
    expect(error.message).toBe("No artifact store flavor 'gone': it came from zen-integration-gone, which is no longer installed.");
    expect(error.hint).toBe("Install it again with `pnpm add zen-integration-gone`, or change the component's flavor.");
    // Still remembered after later rediscoveries, until something provides the flavor again.
    bumpInstallStamp(project);
    expect((await discover(options(project, cacheDir))).index.formerFlavors?.map((f) => f.name)).toEqual(["gone"]);
    flavorPackageFixture({ project, name: "zen-integration-gone", flavors: [{ type: "artifact_store", name: "gone" }] });
    bumpInstallStamp(project);
    const back = await discover(options(project, cacheDir));
    expect(back.index.formerFlavors).toBeUndefined();
    expect((await createFlavorRegistry(options(project, cacheDir)).load("artifact_store", "gone")).name).toBe("gone");
  });

  it("gives the cause when the package is still installed but now broken", async () => {
    const project = makeProject();
    const cacheDir = makeTempDir();
    flavorPackageFixture({ project, name: "zen-integration-fragile", flavors: [{ type: "orchestrator", name: "fragile" }] });
    await discover(options(project, cacheDir));
    flavorPackageFixture({
      project,
      name: "zen-integration-fragile",
      flavors: [{ type: "orchestrator", name: "fragile" }],
      throwOnImport: "no SDK",
      flavorsFile: "flavors-v2.js",
    });
    bumpInstallStamp(project);
    const error = await rejectionOf(createFlavorRegistry(options(project, cacheDir)).load("orchestrator", "fragile"));
    expect(error.message).toBe(
      "No orchestrator flavor 'fragile': it comes from zen-integration-fragile, which cannot be used ('zen-integration-fragile' failed to load: no SDK).",
    );
    expect(error.hint).toBe("Reinstall zen-integration-fragile, or run with ZEN_DEBUG=1 for details.");
  });

  it("takes the package a component recorded when discovery remembers nothing (a fresh cache, another machine)", async () => {
    const project = makeProject();
    const fresh = () => createFlavorRegistry(options(project, makeTempDir()));
    rmSync(join(project, "node_modules", ".cache"), { recursive: true, force: true });
    const gone = await rejectionOf(fresh().load("artifact_store", "lake", { package: "zen-integration-lake" }));
    expect(gone).toMatchObject({
      code: "ZEN_UNKNOWN_FLAVOR",
      message: "No artifact store flavor 'lake': it came from zen-integration-lake, which is no longer installed.",
      hint: "Install it again with `npm install zen-integration-lake`, or change the component's flavor.",
    });
    // Installed but broken: the cause, not an install command.
    flavorPackageFixture({ project, name: "zen-integration-lake", flavors: [{ type: "artifact_store", name: "lake" }], throwOnImport: "no SDK" });
    bumpInstallStamp(project);
    const broken = await rejectionOf(fresh().load("artifact_store", "lake", { package: "zen-integration-lake" }));
    expect(broken).toMatchObject({
      code: "ZEN_FLAVOR_UNAVAILABLE",
      message: "No artifact store flavor 'lake': it comes from zen-integration-lake, which cannot be used ('zen-integration-lake' failed to load: no SDK).",
    });
  });
});
