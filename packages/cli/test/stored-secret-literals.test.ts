// A secret field of a stored component holding a value instead of a `{{name.key}}` reference (written
// by an older or another copy of zen, or edited by hand): describe, list and export show `****`.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { sandbox, type Sandbox } from "./run-zen.ts";

const LITERAL = "sk-live-hand-written-987";
const CONFIG = `z.object({ url: z.string(), api_token: z.string().meta({ "x-zen-secret": true }) })`;

function filesContaining(dir: string, needle: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile() && readFileSync(path, "latin1").includes(needle));
}

describe("a literal in a stored secret field", () => {
  let s: Sandbox;
  let project: string;
  beforeAll(() => {
    s = sandbox();
    project = makeProject({ packageManager: "npm" });
    flavorPackageFixture({ project, name: "zen-integration-webhook", flavors: [{ type: "alerter", name: "webhook", config: CONFIG }] });
    const run = (args: string[]) => expect(s.zen(["-q", ...args], { cwd: project }).status).toBe(0);
    run(["init"]);
    run(["alerter", "register", "hook", "--flavor", "webhook", "--url=https://hooks.example.com", "--api_token={{hook.token}}"]);
    run(["stack", "register", "with_hook", "-o", "default", "-a", "default", "-m", "default", "-l", "hook"]);
    // Edit the stored record by hand, as an older zen could have written it.
    const stores = filesContaining(s.configDir, "{{hook.token}}").filter((path) => path.endsWith("/stacks.yaml"));
    expect(stores).toHaveLength(1);
    writeFileSync(stores[0]!, readFileSync(stores[0]!, "utf8").replace("{{hook.token}}", LITERAL));
    expect(readFileSync(stores[0]!, "utf8")).toContain(LITERAL);
  });

  it.each([
    ["describe", ["alerter", "describe", "hook"]],
    ["describe --output json", ["alerter", "describe", "hook", "--output", "json"]],
    ["list", ["alerter", "list"]],
    ["list --output json", ["alerter", "list", "--output", "json"]],
    ["stack export", ["stack", "export", "with_hook", "-"]],
  ])("is masked by %s", (_, args) => {
    const r = s.zen(["-q", ...args], { cwd: project });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).not.toContain(LITERAL);
    expect(r.stdout).toContain("****");
    expect(r.stdout).toContain("https://hooks.example.com");
  });
});
