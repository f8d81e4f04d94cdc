// A secret field with a literal default: refused by defineFlavor and `zen flavor check`, and, when a
// flavor gets past that (here: branded by hand, as a package carrying its own copy of @zen/core would),
// the literal never reaches `describe`, the profile's stacks.yaml or `stack export`.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

const LITERAL = "sk-live-123456";
const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../core");
const SECRET_FIELD = `z.string().regex(/^\\{\\{.+\\}\\}$/).meta({ "x-zen-secret": true })`;
const SECRET_WITH_DEFAULT = `z.object({ url: z.string(), api_token: ${SECRET_FIELD}.default(${JSON.stringify(LITERAL)}) })`;

function readAll(dir: string): string {
  if (!existsSync(dir)) return "";
  let text = "";
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) text += readFileSync(path, "latin1");
  }
  return text;
}

describe("secret fields with a literal default", () => {
  let s: Sandbox;
  let project: string;
  beforeAll(() => {
    s = sandbox();
    project = makeProject({ packageManager: "npm" });
    flavorPackageFixture({ project, name: "zen-integration-webhook", flavors: [{ type: "alerter", name: "webhook", config: SECRET_WITH_DEFAULT }] });
    expect(s.zen(["init"], { cwd: project }).status).toBe(0);
  });

  it("never stores, describes or exports the literal of a flavor that bypassed defineFlavor", () => {
    const registered = s.zen(["alerter", "register", "hook", "--flavor", "webhook", "--url=https://hooks.example.com"], { cwd: project });
    expect(registered.stdout + registered.stderr).not.toContain(LITERAL);
    const described = s.zen(["alerter", "describe", "hook"], { cwd: project });
    expect(described.stdout + described.stderr).not.toContain(LITERAL);
    s.zen(["stack", "register", "with_hook", "-o", "default", "-a", "default", "-m", "default", "-l", "hook"], { cwd: project });
    const exported = s.zen(["stack", "export", "with_hook", "-"], { cwd: project });
    expect(exported.stdout + exported.stderr).not.toContain(LITERAL);
    for (const file of readdirSync(project)) {
      if (file.endsWith(".yaml")) expect(readFileSync(join(project, file), "utf8")).not.toContain(LITERAL);
    }
    expect(readAll(s.configDir)).not.toContain(LITERAL);
    expect(readAll(join(project, ".zen"))).not.toContain(LITERAL);
    // Refused with the reason, naming the field.
    expect(registered.status).toBe(1);
    expect(registered.stderr).toMatch(/api_token/);
  });

  it("refuses the flavor in defineFlavor, so discovery reports it and register fails", () => {
    const other = makeProject({ packageManager: "npm" }); // links @zen/core: defineFlavor is this zen's
    flavorPackageFixture({
      project: other,
      name: "zen-integration-hook2",
      style: "core",
      flavors: [{ type: "alerter", name: "hook2", config: SECRET_WITH_DEFAULT }],
    });
    expect(s.zen(["init"], { cwd: other }).status).toBe(0);
    const listed = s.zen(["alerter", "flavor", "list"], { cwd: other });
    expect(listed.stdout + listed.stderr).toMatch(/secret field 'api_token'/);
    const registered = s.zen(["alerter", "register", "h", "--flavor", "hook2", "--url=https://x.example.com"], { cwd: other });
    expect(registered.status).toBe(1);
    expect(registered.stdout + registered.stderr).not.toContain(LITERAL);
  });

  it("fails `zen flavor check` on the package, naming the field", () => {
    const pkgDir = join(s.cwd, "check-me");
    mkdirSync(join(pkgDir, "node_modules/@zen"), { recursive: true });
    symlinkSync(coreDir, join(pkgDir, "node_modules/@zen/core"));
    symlinkSync(join(coreDir, "node_modules/zod"), join(pkgDir, "node_modules/zod"));
    writeFileSync(
      join(pkgDir, "package.json"),
      JSON.stringify({
        name: "zen-integration-leaky",
        version: "0.1.0",
        type: "module",
        keywords: ["zen-integration"],
        exports: { "./flavors": "./flavors.js", "./package.json": "./package.json" },
        files: ["flavors.js"],
        zen: { apiVersion: 1, flavors: "./flavors" },
        peerDependencies: { "@zen/core": "^0.1.0" },
      }),
    );
    writeFileSync(
      join(pkgDir, "flavors.js"),
      `import { defineFlavor, secretField } from "@zen/core";
import { z } from "zod";
export default [defineFlavor({
  type: "alerter", name: "leaky", description: "Posts alerts to a webhook",
  config: z.object({ url: z.string(), api_token: secretField("token").default(${JSON.stringify(LITERAL)}), auth_password: z.string().optional() }),
  implementation: async () => class {},
})];
`,
    );
    const checked = s.zen(["flavor", "check", pkgDir, "--output", "json"]);
    expect(checked.status).toBe(1);
    const report = JSON.parse(checked.stdout) as { findings: { severity: string; code: string; message: string }[] };
    expect(report.findings.some((f) => f.severity === "error" && /api_token/.test(f.message))).toBe(true);
    expect(checked.stdout + checked.stderr).not.toContain(LITERAL);
  });
});
