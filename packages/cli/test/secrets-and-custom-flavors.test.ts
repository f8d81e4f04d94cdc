// Custom flavors from the project's own TypeScript, secret fields as references, the local secrets
// manager, and secrets never shown by describe, list, export or errors.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sandbox, type Sandbox } from "./run-zen.ts";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../core");
const SECRET_VALUE = "s3cr3t-value-never-shown";

function readAll(dir: string): string {
  let text = "";
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) text += readFileSync(path, "latin1");
  }
  return text;
}

describe("custom flavors and secrets", () => {
  let s: Sandbox;
  let project: string;
  beforeAll(() => {
    s = sandbox();
    project = join(s.cwd, "project");
    mkdirSync(join(project, "src"), { recursive: true });
    mkdirSync(join(project, "node_modules/@zen"), { recursive: true });
    symlinkSync(coreDir, join(project, "node_modules/@zen/core"));
    symlinkSync(join(coreDir, "node_modules/zod"), join(project, "node_modules/zod"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-ml-project", private: true, type: "module" }));
    writeFileSync(
      join(project, "src/recorder.ts"),
      `import { defineFlavor, secretField, BaseExperimentTracker } from "@zen/core";
import { z } from "zod";
export class Recorder extends BaseExperimentTracker<{ tracking_uri: string; api_token: string }> {}
export const recorder = defineFlavor({
  type: "experiment_tracker",
  name: "recorder",
  description: "records experiments",
  config: z.object({ tracking_uri: z.string(), api_token: secretField("token for the tracking server") }),
  implementation: async () => Recorder,
});
`,
    );
    writeFileSync(join(project, "src/broken.ts"), `import "./does-not-exist.ts";\nexport const broken = 1;\n`);
    expect(s.zen(["init"], { cwd: project }).status).toBe(0);
  });

  it("registers a TypeScript flavor from the project root and lists it with its source", () => {
    const registered = s.zen(["experiment-tracker", "flavor", "register", "./src/recorder.ts#recorder"], { cwd: join(project, "src") });
    expect(registered.stderr).toBe(registered.status === 0 ? registered.stderr : "");
    expect(registered.status).toBe(0);
    const flavors = JSON.parse(s.zen(["experiment-tracker", "flavor", "list", "--output", "json"], { cwd: project }).stdout).items;
    expect(flavors).toEqual([expect.objectContaining({ name: "recorder", ready: true, source: expect.objectContaining({ kind: "custom" }) })]);
  });

  it("shows the real import error of a broken custom flavor and stores nothing", () => {
    const before = s.snapshot();
    const result = s.zen(["experiment-tracker", "flavor", "register", "./src/broken.ts#broken"], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/does-not-exist/);
    expect(s.snapshot()).toBe(before);
  });

  it("refuses a literal secret without echoing it, and accepts a reference", () => {
    const literal = s.zen(
      ["experiment-tracker", "register", "tracker", "--flavor", "recorder", "--tracking_uri=http://127.0.0.1:5000", `--api_token=${SECRET_VALUE}`],
      { cwd: project },
    );
    expect(literal.status).toBe(1);
    expect(literal.stderr).toMatch(/secret reference/);
    expect(literal.stderr + literal.stdout).not.toContain(SECRET_VALUE);

    const ok = s.zen(
      ["experiment-tracker", "register", "tracker", "--flavor", "recorder", "--tracking_uri=http://127.0.0.1:5000", "--api_token={{tracking.token}}"],
      { cwd: project },
    );
    expect(ok.status).toBe(0);
  });

  it("keeps secrets encrypted in the local secrets manager and never prints them", () => {
    expect(s.zen(["secrets-manager", "register", "local_secrets", "--flavor", "local"], { cwd: project }).status).toBe(0);
    expect(
      s.zen(["stack", "register", "tracked", "-o", "default", "-a", "default", "-m", "default", "-x", "local_secrets", "-e", "tracker", "--set"], {
        cwd: project,
      }).status,
    ).toBe(0);
    const registered = s.zen(["secret", "register", "tracking", `--token=${SECRET_VALUE}`], { cwd: project });
    expect(registered.stderr).not.toContain(SECRET_VALUE);
    expect(registered.status).toBe(0);

    const outputs = [
      s.zen(["secret", "get", "tracking", "--output", "json"], { cwd: project }),
      s.zen(["secret", "list"], { cwd: project }),
      s.zen(["experiment-tracker", "describe", "tracker", "--output", "yaml"], { cwd: project }),
      s.zen(["experiment-tracker", "list"], { cwd: project }),
      s.zen(["stack", "describe", "--output", "json"], { cwd: project }),
    ];
    for (const r of outputs) {
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET_VALUE);
    }
    expect(JSON.parse(outputs[0]!.stdout).item.keys).toEqual(["token"]);
    expect(outputs[2]!.stdout).toContain("{{tracking.token}}");

    const exported = s.zen(["stack", "export", "tracked", "tracked.yaml"], { cwd: project });
    expect(exported.status).toBe(0);
    const exportedText = readFileSync(join(project, "tracked.yaml"), "utf8");
    expect(exportedText).toContain("{{tracking.token}}");
    expect(exportedText).not.toContain(SECRET_VALUE);

    // Nothing under the config directory holds the value in clear; the key file is private.
    expect(readAll(s.configDir)).not.toContain(SECRET_VALUE);
    expect(statSync(join(s.configDir, "secrets.key")).mode & 0o077).toBe(0);
  });

  it("imports an exported stack under a new name, reusing identical components", () => {
    const imported = s.zen(["stack", "import", "tracked.yaml", "--name", "tracked-copy"], { cwd: project });
    expect(imported.stderr).toBe(imported.status === 0 ? imported.stderr : "");
    expect(imported.status).toBe(0);
    const stack = JSON.parse(s.zen(["stack", "describe", "tracked-copy", "--output", "json"], { cwd: project }).stdout).item;
    expect(stack.components.experiment_tracker.name).toBe("tracker");
  });
});
