import { describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { flavorPackageFixture, makeProject, makeTempDir, rejectionOf, writeTree } from "@zen/test-utils";
import { DISCOVERY_API_VERSION } from "../src/discovery/constants.ts";
import { createFlavorRegistry } from "../src/discovery/registry.ts";
import { detectPackageManager, installCommand, unknownFlavorError } from "../src/discovery/unknown-flavor.ts";
import type { FlavorRegistryOptions } from "../src/discovery/flavor-registry-api.ts";
import { FLAVOR_API_VERSION } from "../src/flavor.ts";
import { isZenError } from "../src/errors.ts";
import { KNOWN_FLAVOR_PACKAGES, knownPackageFor } from "../src/known-packages.ts";

function options(project: string | undefined, extra: Partial<FlavorRegistryOptions> = {}): FlavorRegistryOptions {
  return { projectRoot: project, cliRoot: undefined, customFlavors: [], cacheDir: makeTempDir(), onWarning: () => {}, ...extra };
}

describe("flavor registry", () => {
  it("checks the same flavor API version as flavor.ts (kept separate so discovery need not load zod)", () => {
    expect(DISCOVERY_API_VERSION).toBe(FLAVOR_API_VERSION);
  });

  it("lists flavors in type-table order, filters by type and loads built-ins", async () => {
    const project = makeProject();
    flavorPackageFixture({
      project,
      name: "zen-integration-zeta",
      flavors: [
        { type: "artifact_store", name: "zeta" },
        { type: "alerter", name: "slack" },
      ],
    });
    const registry = createFlavorRegistry(options(project));
    expect((await registry.list()).map((f) => `${f.type}/${f.name}`)).toEqual([
      "orchestrator/local",
      "artifact_store/local",
      "artifact_store/zeta",
      "metadata_store/sqlite",
      "container_registry/default",
      "secrets_manager/local",
      "alerter/slack",
    ]);
    expect((await registry.list("alerter")).map((f) => f.name)).toEqual(["slack"]);
    expect(await registry.find("artifact_store", "nope")).toBeUndefined();
    const sqlite = await registry.load("metadata_store", "sqlite");
    expect([sqlite.type, sqlite.name]).toEqual(["metadata_store", "sqlite"]);
    expect(await registry.find("metadata_store", "sqlite")).toMatchObject({ source: { kind: "builtin", package: "@zen/core" }, ready: true });
  });

  it("names the available flavors for an unknown one, and the install command when a known package provides it", async () => {
    const project = makeProject({ packageManager: "pnpm" });
    const registry = createFlavorRegistry(options(project));
    const s3 = await rejectionOf(registry.load("artifact_store", "s3"));
    expect(isZenError(s3) && s3.exitCode).toBe(1);
    expect(s3.message).toBe("No artifact store flavor 's3'.");
    expect(s3.hint).toBe("It is provided by @zen/integration-s3: install it with `pnpm add @zen/integration-s3`. Available artifact store flavors: local.");
    const custom = await rejectionOf(registry.load("alerter", "discord"));
    expect(custom.message).toBe("No alerter flavor 'discord'.");
    expect(custom.hint).toBe("No alerter flavors are available. To add your own, run `zen alerter flavor register <module>#<export>`.");
  });

  it("builds the unknown-flavor error for any package manager", () => {
    const npm = makeProject({ packageManager: "npm" });
    expect(unknownFlavorError("orchestrator", "kubeflow", ["local"], { projectRoot: npm }).hint).toContain("`npm install @zen/integration-kubeflow`");
    const yarn = makeProject({ packageManager: "yarn" });
    expect(unknownFlavorError("experiment_tracker", "mlflow", [], { projectRoot: yarn }).hint).toContain("`yarn add @zen/integration-mlflow`");
    expect(unknownFlavorError("artifact_store", "gcs", ["local", "s3"]).hint).toBe(
      "It is provided by @zen/integration-gcs: install it with `npm install --global @zen/integration-gcs`. Available artifact store flavors: local, s3.",
    );
    expect(unknownFlavorError("artifact_store", "azure", ["s3", "local"]).hint).toBe(
      "Available artifact store flavors: local, s3. To add your own, run `zen artifact-store flavor register <module>#<export>`.",
    );
  });

  it("detects the package manager from packageManager or the nearest lockfile", () => {
    const root = makeTempDir();
    writeTree(root, { "pnpm-lock.yaml": "", "packages/app/package.json": "{}" });
    expect(detectPackageManager(join(root, "packages", "app"))).toBe("pnpm");
    const declared = makeTempDir();
    writeTree(declared, { "package.json": JSON.stringify({ packageManager: "yarn@4.1.0" }), "package-lock.json": "{}" });
    expect(detectPackageManager(declared)).toBe("yarn");
    expect(detectPackageManager(undefined)).toBe("npm");
    expect(installCommand("bun", "x")).toBe("bun add x");
    expect(installCommand("pnpm", "x", true)).toBe("pnpm add --global x");
  });

  it("knows which package provides the first-party flavors", () => {
    expect(knownPackageFor("artifact_store", "s3")).toBe("@zen/integration-s3");
    expect(knownPackageFor("model_deployer", "mlflow")).toBe("@zen/integration-mlflow");
    expect(knownPackageFor("artifact_store", "local")).toBeUndefined();
    expect(KNOWN_FLAVOR_PACKAGES).toHaveLength(5);
  });

  it("says a known package listed in package.json but not installed cannot be used", async () => {
    const project = makeProject({ dependencies: { "@zen/integration-kubeflow": "^0.1.0" } });
    const registry = createFlavorRegistry(options(project));
    expect(await registry.find("orchestrator", "kubeflow")).toMatchObject({ ready: false });
    expect(await registry.problems()).toEqual([expect.objectContaining({ package: "@zen/integration-kubeflow", phase: "resolve" })]);
    const error = await rejectionOf(registry.load("orchestrator", "kubeflow"));
    expect(error.message).toBe("The orchestrator flavor 'kubeflow' cannot be used: '@zen/integration-kubeflow' is listed as a dependency but not installed.");
    expect(error.hint).toBe("Run your package manager's install command.");
  });

  it("keeps the built-in when a package claims its name, without a warning on every use", async () => {
    const project = makeProject();
    flavorPackageFixture({ project, name: "zen-integration-shadow", flavors: [{ type: "container_registry", name: "default" }] });
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let registry;
    try {
      registry = createFlavorRegistry({ projectRoot: project, cliRoot: undefined, customFlavors: [], cacheDir: makeTempDir() });
      await registry.list();
      expect(await registry.find("container_registry", "default")).toMatchObject({ source: { kind: "builtin" } });
      expect((await registry.load("container_registry", "default")).description).toBe("Any container registry reachable by its URI (e.g. localhost:5000)");
    } finally {
      process.stderr.write = original;
    }
    expect(writes).toEqual([]);
    // The claim is a problem (what `zen doctor` and the flavor list show).
    expect((await registry.problems()).map((p) => p.phase)).toEqual(["conflict"]);
  });
});
