import { describe, expect, it } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { flavorPackageFixture, makeProject, makeTempDir, rejectionOf, writeTree, ZOD_ESM_URL } from "@zen/test-utils";
import { loadCustomFlavor } from "../src/discovery/custom-flavor.ts";
import { parseFlavorSpecifier } from "../src/discovery/custom-module.ts";
import { createFlavorRegistry } from "../src/discovery/registry.ts";
import type { FlavorRegistryOptions } from "../src/discovery/flavor-registry-api.ts";
import type { CustomFlavorRecord } from "../src/store/records.ts";
import { isZenError } from "../src/errors.ts";

const CORE_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const REPO_ROOT = join(CORE_ROOT, "..", "..");

/** A TypeScript flavor module (type annotations and a .ts import, so it really needs a TS loader). */
function tsFlavorModule(type: string, name: string, marker?: string): Record<string, string> {
  return {
    "src/helper.ts": `export const describe = (what: string): string => \`\${what} (custom)\`;\n`,
    [`src/${name}.ts`]: `import { z } from ${JSON.stringify(ZOD_ESM_URL)};
import { appendFileSync } from "node:fs";
import { describe } from "./helper.ts";
${marker ? `appendFileSync(${JSON.stringify(marker)}, "${name}\\n");` : ""}
interface Config { path: string }
class Impl { static componentType = ${JSON.stringify(type)}; constructor(readonly init: unknown) {} }
export const ${name.replace(/-/g, "_")}Flavor = Object.freeze({
  $$type: "@zen/Flavor" as const, apiVersion: 1, type: ${JSON.stringify(type)}, name: ${JSON.stringify(name)},
  description: describe(${JSON.stringify(name)}), config: z.object({ path: z.string() }) as unknown as z.ZodType<Config>,
  implementation: async () => Impl,
});
export default ${name.replace(/-/g, "_")}Flavor;
`,
  };
}

function options(project: string, customFlavors: CustomFlavorRecord[], extra: Partial<FlavorRegistryOptions> = {}): FlavorRegistryOptions {
  return { projectRoot: project, cliRoot: undefined, customFlavors, cacheDir: makeTempDir(), onWarning: () => {}, ...extra };
}

describe("custom flavors", () => {
  it("parses module#export specifiers", () => {
    expect(parseFlavorSpecifier("./src/x.ts#myFlavor")).toEqual({ module: "./src/x.ts", exportName: "myFlavor" });
    expect(parseFlavorSpecifier("@scope/pkg/flavors")).toEqual({ module: "@scope/pkg/flavors", exportName: "default" });
    expect(() => parseFlavorSpecifier("#x")).toThrow("Invalid flavor specifier '#x'.");
    expect(() => parseFlavorSpecifier("./x.ts#not-an-identifier")).toThrow("Invalid flavor specifier");
  });

  it("lists a custom flavor from its record without importing it, and imports it on load()", async () => {
    const project = makeProject();
    const marker = join(makeTempDir(), "imports.log");
    writeTree(project, tsFlavorModule("artifact_store", "my-store", marker));
    const record = { type: "artifact_store" as const, name: "my-store", specifier: "./src/my-store.ts#my_storeFlavor", root: project };
    const registry = createFlavorRegistry(options(project, [record]));
    const info = await registry.find("artifact_store", "my-store");
    expect(info).toEqual({
      type: "artifact_store",
      name: "my-store",
      description: "custom flavor from ./src/my-store.ts#my_storeFlavor",
      source: { kind: "custom", specifier: "./src/my-store.ts#my_storeFlavor", root: project },
      configSchema: {},
      secretFields: [],
      ready: true,
    });
    expect(existsSync(marker)).toBe(false);
    const flavor = await registry.load("artifact_store", "my-store");
    expect(flavor.description).toBe("my-store (custom)");
    expect(readFileSync(marker, "utf8")).toBe("my-store\n");
  });

  it("lists what the flavor says about itself once it was imported, until its module changes", async () => {
    const project = makeProject();
    const marker = join(makeTempDir(), "imports.log");
    writeTree(project, tsFlavorModule("artifact_store", "own-words", marker));
    const record = { type: "artifact_store" as const, name: "own-words", specifier: "./src/own-words.ts#own_wordsFlavor", root: project };
    const cacheDir = makeTempDir();
    await createFlavorRegistry(options(project, [record], { cacheDir })).load("artifact_store", "own-words");
    rmSync(marker);
    const info = await createFlavorRegistry(options(project, [record], { cacheDir })).find("artifact_store", "own-words");
    expect(info).toMatchObject({ description: "own-words (custom)", configSchema: { properties: { path: { type: "string" } } }, ready: true });
    expect(existsSync(marker)).toBe(false);
    // Edited since: the generic description again, until it is imported once more.
    writeFileSync(join(project, "src/own-words.ts"), `${readFileSync(join(project, "src/own-words.ts"), "utf8")}\n// edited, and longer\n`);
    const stale = await createFlavorRegistry(options(project, [record], { cacheDir })).find("artifact_store", "own-words");
    expect(stale?.description).toBe("custom flavor from ./src/own-words.ts#own_wordsFlavor");
  });

  it("takes the default export when the specifier names none, and resolves bare specifiers from the root", async () => {
    const project = makeProject();
    writeTree(project, tsFlavorModule("alerter", "beeper"));
    expect((await loadCustomFlavor({ type: "alerter", specifier: "./src/beeper.ts", root: project })).name).toBe("beeper");
    expect((await loadCustomFlavor({ type: "alerter", specifier: "./src/beeper", root: project })).name).toBe("beeper");
    flavorPackageFixture({ project, name: "my-flavors", zen: false, flavors: [{ type: "alerter", name: "from-pkg" }] });
    writeTree(join(project, "node_modules", "my-flavors"), {
      "one.js": `import flavors from "./flavors.js";\nexport const fromPkg = flavors[0];\n`,
    });
    const pkgJson = join(project, "node_modules", "my-flavors", "package.json");
    const pkg = JSON.parse(readFileSync(pkgJson, "utf8"));
    pkg.exports["./one"] = "./one.js";
    writeFileSync(pkgJson, JSON.stringify(pkg));
    expect((await loadCustomFlavor({ type: "alerter", specifier: "my-flavors/one#fromPkg", root: project })).name).toBe("from-pkg");
  });

  it("shows the real import error", async () => {
    const project = makeProject();
    writeTree(project, {
      "src/throws.ts": `throw new Error("database driver missing");\nexport default {};\n`,
      "src/missing-dep.ts": `import "definitely-not-installed-pkg";\nexport default {};\n`,
    });
    const thrown = await rejectionOf(loadCustomFlavor({ type: "alerter", specifier: "./src/throws.ts", root: project }));
    expect(isZenError(thrown)).toBe(true);
    expect(thrown.message).toBe("Could not import './src/throws.ts': database driver missing");
    const missing = await rejectionOf(loadCustomFlavor({ type: "alerter", specifier: "./src/missing-dep.ts", root: project }));
    expect(missing.message).toContain("definitely-not-installed-pkg");
    const registry = createFlavorRegistry(options(project, [{ type: "alerter", name: "t", specifier: "./src/throws.ts", root: project }]));
    expect((await rejectionOf(registry.load("alerter", "t"))).message).toContain("database driver missing");
  });

  it("refuses a module that does not exist, a missing export, a non-flavor and a flavor of another type", async () => {
    const project = makeProject();
    writeTree(project, { ...tsFlavorModule("alerter", "pager"), "src/plain.ts": "export const notFlavor = { name: 'x' };\n" });
    const absent = await rejectionOf(loadCustomFlavor({ type: "alerter", specifier: "./src/nope.ts#x", root: project }));
    expect(absent.message).toBe(`Cannot find module './src/nope.ts' (looked in ${project}).`);
    const noExport = await rejectionOf(loadCustomFlavor({ type: "alerter", specifier: "./src/pager.ts#other", root: project }));
    expect(noExport.message).toBe("Module './src/pager.ts' has no export 'other'.");
    expect(noExport.hint).toContain("pagerFlavor");
    const plain = await rejectionOf(loadCustomFlavor({ type: "alerter", specifier: "./src/plain.ts#notFlavor", root: project }));
    expect(plain.message).toBe("Export 'notFlavor' of './src/plain.ts' is not a flavor.");
    expect(plain.hint).toContain("defineFlavor");
    const wrongType = await rejectionOf(loadCustomFlavor({ type: "orchestrator", specifier: "./src/pager.ts#pagerFlavor", root: project }));
    expect(wrongType.message).toBe("'./src/pager.ts#pagerFlavor' is an alerter flavor, not an orchestrator flavor.");
    expect(wrongType.hint).toBe("Register it with `zen alerter flavor register ./src/pager.ts#pagerFlavor`.");
    const renamed = await rejectionOf(loadCustomFlavor({ type: "alerter", name: "old-name", specifier: "./src/pager.ts#pagerFlavor", root: project }));
    expect(renamed.message).toContain("is now named 'pager'");
  });

  it("marks a custom flavor whose module disappeared as not ready, and reports it", async () => {
    const project = makeProject();
    const registry = createFlavorRegistry(options(project, [{ type: "alerter", name: "gone", specifier: "./src/gone.ts#goneFlavor", root: project }]));
    expect(await registry.find("alerter", "gone")).toMatchObject({ ready: false, problem: `Module './src/gone.ts' does not exist (looked in ${project}).` });
    expect(await registry.problems()).toEqual([expect.objectContaining({ package: "./src/gone.ts#goneFlavor", phase: "resolve" })]);
    const error = await rejectionOf(registry.load("alerter", "gone"));
    expect(error.message).toContain("cannot be used");
    expect(error.hint).toContain("zen alerter flavor register");
  });

  it("gives custom flavors precedence over packages (with a warning) but never over built-ins", async () => {
    const project = makeProject();
    writeTree(project, { ...tsFlavorModule("artifact_store", "local"), ...tsFlavorModule("artifact_store", "blob") });
    flavorPackageFixture({
      project,
      name: "zen-integration-local",
      flavors: [
        { type: "artifact_store", name: "blob" },
        { type: "orchestrator", name: "local" },
      ],
    });
    const warnings: string[] = [];
    const records = [
      { type: "artifact_store" as const, name: "local", specifier: "./src/local.ts#localFlavor", root: project },
      { type: "artifact_store" as const, name: "blob", specifier: "./src/blob.ts#blobFlavor", root: project },
    ];
    const registry = createFlavorRegistry(options(project, records, { onWarning: (m) => warnings.push(m) }));
    const blob = await registry.find("artifact_store", "blob");
    expect(blob?.source).toEqual({ kind: "custom", specifier: "./src/blob.ts#blobFlavor", root: project });
    expect(blob?.shadows?.map((s) => s.kind)).toEqual(["package"]);
    expect((await registry.find("artifact_store", "local"))?.source.kind).toBe("builtin");
    expect((await registry.find("orchestrator", "local"))?.source.kind).toBe("builtin");
    await registry.list();
    expect(warnings).toEqual(["The artifact store flavor 'blob' custom (./src/blob.ts#blobFlavor) shadows the one from zen-integration-local."]);
    expect((await registry.problems()).map((p) => [p.package, p.phase, p.message])).toEqual([
      [
        "zen-integration-local",
        "conflict",
        "Package 'zen-integration-local' provides the orchestrator flavor 'local', which is built into zen: the built-in one is used.",
      ],
      [
        "./src/local.ts#localFlavor",
        "conflict",
        "The custom artifact store flavor 'local' from ./src/local.ts#localFlavor has the name of a built-in flavor: the built-in one is used.",
      ],
    ]);
    expect((await registry.load("artifact_store", "blob")).description).toBe("blob (custom)");
    expect((await registry.load("artifact_store", "local")).description).toBe("Stores artifacts in a directory on this machine");
  });

  it("loads a TypeScript custom flavor through tsx when core runs as compiled JavaScript", () => {
    // Compile core to a temp dir (plain Node then runs JS, so `.ts` modules must go through tsImport).
    const build = makeTempDir("zen-core-build-");
    spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        join(CORE_ROOT, "tsconfig.json"),
        "--outDir",
        build,
        "--rootDir",
        join(CORE_ROOT, "src"),
        "--composite",
        "false",
        "--incremental",
        "false",
        "--emitDeclarationOnly",
        "false",
        "--declaration",
        "false",
        "--declarationMap",
        "false",
        "--sourceMap",
        "false",
      ],
      { encoding: "utf8" },
    );
    expect(existsSync(join(build, "discovery", "registry.js"))).toBe(true); // type errors elsewhere do not stop emit
    symlinkSync(join(CORE_ROOT, "node_modules"), join(build, "node_modules"), "dir");
    writeFileSync(join(build, "package.json"), JSON.stringify({ name: "@zen/core", version: "0.0.0-test", type: "module" }));
    const project = makeProject();
    writeTree(project, { ...tsFlavorModule("alerter", "compiled"), "src/broken.ts": "const x: number = ;\n" });
    const script = join(makeTempDir(), "run.mjs");
    writeFileSync(
      script,
      `import { createFlavorRegistry } from ${JSON.stringify(join(build, "discovery", "registry.js"))};
import { loadCustomFlavor } from ${JSON.stringify(join(build, "discovery", "custom-flavor.js"))};
const root = ${JSON.stringify(project)};
const registry = createFlavorRegistry({ projectRoot: root, cliRoot: undefined, cacheDir: ${JSON.stringify(makeTempDir())},
  customFlavors: [{ type: "alerter", name: "compiled", specifier: "./src/compiled.ts#compiledFlavor", root }] });
const flavor = await registry.load("alerter", "compiled");
let broken;
try { await loadCustomFlavor({ type: "alerter", specifier: "./src/broken.ts", root }); } catch (e) { broken = e.message; }
console.log(JSON.stringify({ name: flavor.name, description: flavor.description, broken }));
`,
    );
    const output = execFileSync(process.execPath, [script], { encoding: "utf8" });
    const result = JSON.parse(output);
    expect(result.name).toBe("compiled");
    expect(result.description).toBe("compiled (custom)");
    expect(result.broken).toMatch(/^Could not import '\.\/src\/broken\.ts': Transform failed .*broken\.ts:1:18: ERROR: Unexpected ";"$/);
    rmSync(build, { recursive: true, force: true });
  });
});
