// `zen flavor check`: every finding of the package lint, each with its fix, on real packages on disk
// (@zen/core and zod linked from this workspace), through the built `zen` binary.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_ROOT, makeTempDir, writeTree } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CORE_VERSION = (JSON.parse(readFileSync(join(CORE_ROOT, "package.json"), "utf8")) as { version: string }).version;
const ZOD_ROOT = dirname(createRequire(join(CORE_ROOT, "package.json")).resolve("zod/package.json"));

interface Finding {
  severity: "error" | "warning";
  code: string;
  message: string;
  fix: string;
}
interface Report {
  ok: boolean;
  package?: string;
  flavors: { type: string; name: string }[];
  findings: Finding[];
}

const FLAVORS_JS = `import { defineFlavor, secretField } from "@zen/core";
import { z } from "zod";
export const memo = defineFlavor({
  type: "artifact_store",
  name: "memo",
  description: "Artifacts in memo",
  config: z.object({ path: z.string().startsWith("memo://"), token: secretField("API token").optional() }),
  implementation: () => import("./memo-artifact-store.js").then((m) => m.MemoArtifactStore),
});
export default [memo];
`;
const IMPLEMENTATION_JS = `import { BaseArtifactStore } from "@zen/core";
export class MemoArtifactStore extends BaseArtifactStore {
  static supportedSchemes = ["memo://"];
}
`;

function basePackage(): Record<string, unknown> {
  return {
    name: "zen-integration-memo",
    version: "1.2.3",
    type: "module",
    keywords: ["zen-integration"],
    exports: { ".": "./dist/flavors.js", "./flavors": "./dist/flavors.js", "./package.json": "./package.json" },
    files: ["dist"],
    zen: { apiVersion: 1, flavors: "./flavors" },
    peerDependencies: { "@zen/core": `^${CORE_VERSION}` },
    dependencies: { zod: "^4.1.12" },
  };
}

/** A built flavor package on disk, with @zen/core and zod resolvable from it. */
function flavorPackage(options: { pkg?: (pkg: Record<string, any>) => void; files?: Record<string, string>; omit?: string[] } = {}): string {
  const dir = makeTempDir("zen-flavor-check-");
  const pkg = basePackage();
  options.pkg?.(pkg);
  writeTree(dir, {
    "package.json": JSON.stringify(pkg, null, 2),
    "dist/flavors.js": FLAVORS_JS,
    "dist/memo-artifact-store.js": IMPLEMENTATION_JS,
    ...options.files,
  });
  for (const file of options.omit ?? []) rmSync(join(dir, file));
  mkdirSync(join(dir, "node_modules", "@zen"), { recursive: true });
  symlinkSync(CORE_ROOT, join(dir, "node_modules", "@zen", "core"), "dir");
  symlinkSync(ZOD_ROOT, join(dir, "node_modules", "zod"), "dir");
  return dir;
}

describe("zen flavor check", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
  });

  const check = (dir: string) => {
    const result = s.zen(["flavor", "check", dir, "--output", "json"]);
    expect(result.stderr).toBe("");
    return { status: result.status, report: JSON.parse(result.stdout) as Report };
  };
  const codes = (report: Report, severity?: Finding["severity"]) =>
    report.findings.filter((f) => severity === undefined || f.severity === severity).map((f) => f.code);

  it("passes a well-formed built package, listing its flavors", () => {
    const dir = flavorPackage();
    const { status, report } = check(dir);
    expect(report).toMatchObject({ ok: true, package: "zen-integration-memo", findings: [], flavors: [{ type: "artifact_store", name: "memo" }] });
    expect(status).toBe(0);

    const table = s.zen(["flavor", "check"], { cwd: dir });
    expect(table.status).toBe(0);
    expect(table.stdout).toContain("zen flavor check zen-integration-memo@1.2.3");
    expect(table.stdout).toContain("flavors: artifact_store/memo");
    expect(table.stdout).toContain("Ready to publish.");
  });

  // Each case breaks one thing; the lint names it (by code and in words) with a fix, and exits 1.
  const errors: [string, Parameters<typeof flavorPackage>[0], string, RegExp][] = [
    ["no zen key", { pkg: (p) => delete p.zen }, "zen-key-missing", /no "zen" key, so zen ignores the package/],
    ["no peer range on @zen/core", { pkg: (p) => delete p.peerDependencies }, "peer-range-missing", /declares no peer range on @zen\/core/],
    ["@zen/core in dependencies", { pkg: (p) => (p.dependencies["@zen/core"] = `^${CORE_VERSION}`) }, "core-in-dependencies", /would bring its own copy/],
    [
      "an invalid peer range",
      { pkg: (p) => (p.peerDependencies["@zen/core"] = "not a range") },
      "peer-range-invalid",
      /"not a range" on @zen\/core is not a valid semver range/,
    ],
    [
      "a peer range this core does not satisfy",
      { pkg: (p) => (p.peerDependencies["@zen/core"] = ">=9.0.0") },
      "discovery-compat",
      new RegExp(`requires @zen/core >=9.0.0, but this is @zen/core ${CORE_VERSION.replace(/\./g, "\\.")}`),
    ],
    [
      "a flavor API version this core does not support",
      { pkg: (p) => (p.zen.apiVersion = 2) },
      "discovery-compat",
      /uses flavor API version 2, but @zen\/core .* supports version 1/,
    ],
    ["a malformed zen key", { pkg: (p) => (p.zen = { apiVersion: 1, flavors: "dist/flavors.js" }) }, "discovery-metadata", /no "zen.flavors" export subpath/],
    ["exports without ./package.json", { pkg: (p) => delete p.exports["./package.json"] }, "discovery-metadata", /does not export "\.\/package\.json"/],
    [
      "zen.flavors naming a missing export",
      { pkg: (p) => delete p.exports["./flavors"] },
      "discovery-metadata",
      /does not export "\.\/flavors", which its "zen\.flavors" names/,
    ],
    [
      "a flavors module that is not built",
      { omit: ["dist/flavors.js"] },
      "flavors-not-built",
      /"\.\/flavors" maps to dist\/flavors\.js .* which does not exist/,
    ],
    ["a flavors module left out of files", { pkg: (p) => (p.files = ["README.md"]) }, "flavors-not-published", /dist\/flavors\.js is not listed in "files"/],
    [
      "published exports without the flavors subpath",
      { pkg: (p) => (p.publishConfig = { exports: { ".": "./dist/flavors.js", "./package.json": "./package.json" } }) },
      "published-flavors-not-exported",
      /"publishConfig\.exports" lacks "\.\/flavors"/,
    ],
    [
      "published exports without ./package.json",
      { pkg: (p) => (p.publishConfig = { exports: { "./flavors": "./dist/flavors.js" } }) },
      "published-package-json-not-exported",
      /"publishConfig\.exports" lacks "\.\/package\.json"/,
    ],
    [
      "a flavors module that throws on import",
      { files: { "dist/flavors.js": `throw new Error("the SDK is missing");\n` } },
      "discovery-import",
      /failed to load: the SDK is missing/,
    ],
    [
      "entries that are not flavors",
      { files: { "dist/flavors.js": `export default [{ type: "artifact_store", name: "memo" }];\n` } },
      "discovery-brand",
      /exports no usable flavors: entry 'memo' is not a flavor made with defineFlavor/,
    ],
    [
      "a flavor of an unknown component type",
      { files: { "dist/flavors.js": FLAVORS_JS.replace('type: "artifact_store"', 'type: "database"') } },
      "discovery-brand",
      /unknown component type 'database'/,
    ],
    [
      "an implementation of another component type",
      {
        files: { "dist/memo-artifact-store.js": `import { BaseOrchestrator } from "@zen/core";\nexport class MemoArtifactStore extends BaseOrchestrator {}\n` },
      },
      "implementation-wrong-type",
      /implementation of the artifact store flavor 'memo' is a component of type 'orchestrator', not 'artifact_store'/,
    ],
    [
      "an implementation that does not load",
      { files: { "dist/memo-artifact-store.js": `import "some-sdk-that-is-not-installed";\n` } },
      "implementation-load-failed",
      /implementation of the artifact store flavor 'memo' does not load: .*some-sdk-that-is-not-installed/,
    ],
    [
      "a config schema that is not an object",
      { files: { "dist/flavors.js": FLAVORS_JS.replace(/config: z\.object\(.*\),\n/, "config: z.string(),\n") } },
      "config-not-object",
      /config schema of the artifact store flavor 'memo' is not an object schema/,
    ],
    [
      "a flavor named like a built-in",
      { files: { "dist/flavors.js": FLAVORS_JS.replace('name: "memo"', 'name: "local"') } },
      "clashes-with-builtin",
      /artifact store flavor 'local' has the name of a built-in flavor/,
    ],
    [
      "the same flavor twice",
      { files: { "dist/flavors.js": FLAVORS_JS.replace("export default [memo];", "export default [memo, memo];") } },
      "flavor-duplicate",
      /lists the artifact store flavor 'memo' twice/,
    ],
  ];

  it.each(errors)("reports %s as an error with its fix", (_label, options, code, message) => {
    const { status, report } = check(flavorPackage(options));
    expect(codes(report, "error")).toContain(code);
    const finding = report.findings.find((f) => f.code === code)!;
    expect(finding.message).toMatch(message);
    expect(finding.fix.length).toBeGreaterThan(10);
    expect(report.ok).toBe(false);
    expect(status).toBe(1);
  });

  it("shows each finding with its fix in the table, and exits 1", () => {
    const dir = flavorPackage({ pkg: (p) => delete p.peerDependencies });
    const result = s.zen(["flavor", "check", dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/✖ error\s+package\.json declares no peer range on @zen\/core/);
    expect(result.stdout).toContain(`fix: Add "peerDependencies": { "@zen/core": "^${CORE_VERSION}" }.`);
    expect(result.stdout).toMatch(/1 error, 0 warnings: fix the errors before publishing\./);
  });

  const warnings: [string, Parameters<typeof flavorPackage>[0], string, RegExp][] = [
    ["a missing zen-integration keyword", { pkg: (p) => (p.keywords = ["ml"]) }, "keyword-missing", /lacks the keyword "zen-integration"/],
    [
      "a workspace: peer range",
      { pkg: (p) => (p.peerDependencies["@zen/core"] = "workspace:^") },
      "peer-range-workspace",
      /only `pnpm pack`\/`pnpm publish` rewrite/,
    ],
    [
      "a flavor name a first-party package uses",
      { files: { "dist/flavors.js": FLAVORS_JS.replace('name: "memo"', 'name: "s3"') } },
      "clashes-with-known-package",
      /also provided by @zen\/integration-s3/,
    ],
  ];

  it.each(warnings)("warns about %s without failing", (_label, options, code, message) => {
    const { status, report } = check(flavorPackage(options));
    expect(codes(report, "error")).toEqual([]);
    expect(codes(report, "warning")).toEqual([code]);
    expect(report.findings[0]!.message).toMatch(message);
    expect(report.ok).toBe(true);
    expect(status).toBe(0);
  });

  it("fails without a package.json, and on one that is not JSON", () => {
    const empty = makeTempDir("zen-flavor-check-empty-");
    const missing = s.zen(["flavor", "check", empty]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`There is no package.json in ${empty}.`);

    writeFileSync(join(empty, "package.json"), "{ not json");
    const { status, report } = check(empty);
    expect(codes(report)).toEqual(["package-json-invalid"]);
    expect(status).toBe(1);
  });

  it("passes the example third-party package and the first-party integrations as they are", () => {
    for (const dir of ["examples/zen-integration-memo", "integrations/s3", "integrations/gcs"]) {
      const { status, report } = check(join(WORKSPACE, dir));
      expect({ dir, errors: codes(report, "error") }).toEqual({ dir, errors: [] });
      expect(status).toBe(0);
      expect(report.flavors.length).toBeGreaterThan(0);
    }
  });

  it("warns about a credential-like key that is a plain string, and errors on a secret default that got past defineFlavor", () => {
    const plain = flavorPackage({
      files: {
        "dist/flavors.js": FLAVORS_JS.replace(
          'token: secretField("API token").optional()',
          "auth_password: z.string().optional(), key_prefix: z.string().optional()",
        ),
      },
    });
    const { status, report } = check(plain);
    expect(status).toBe(0);
    expect(report.findings.map((f) => [f.severity, f.code, f.message])).toEqual([
      ["warning", "credential-not-secret", expect.stringContaining("'auth_password'")],
    ]);
    expect(report.findings[0]!.fix).toContain("secretField(");

    // Branded by hand, as a flavor built with another copy of @zen/core would be: its defineFlavor never ran.
    const bypassed = flavorPackage({
      files: {
        "dist/flavors.js": `import { z } from "zod";
export default [Object.freeze({ $$type: "@zen/Flavor", apiVersion: 1, type: "artifact_store", name: "memo", description: "Artifacts in memo",
  config: z.object({ path: z.string(), token: z.string().meta({ "x-zen-secret": true }).default("sk-live-123456") }),
  implementation: () => import("./memo-artifact-store.js").then((m) => m.MemoArtifactStore) })];
`,
      },
    });
    const leaky = check(bypassed);
    expect(leaky.status).toBe(1);
    expect(leaky.report.findings).toEqual([
      expect.objectContaining({ severity: "error", code: "secret-field-default", message: expect.stringContaining("'token'") }),
    ]);
    expect(JSON.stringify(leaky.report)).not.toContain("sk-live-123456");
  });
});
