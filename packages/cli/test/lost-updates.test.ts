// Read-modify-writes happen inside the store's transaction (components) or the secrets file's lock
// (secrets): parallel `zen` processes updating different keys all land, on YAML and SQL profiles.
import { describe, expect, it } from "@jest/globals";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sandbox, type Sandbox } from "./run-zen.ts";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../core");
const KEYS = 5;
const ROUNDS = 2;

/** A project with a custom experiment tracker flavor whose config has many optional keys. */
function projectWithNotesFlavor(s: Sandbox): string {
  const project = join(s.cwd, "project");
  mkdirSync(join(project, "node_modules/@zen"), { recursive: true });
  symlinkSync(coreDir, join(project, "node_modules/@zen/core"));
  symlinkSync(join(coreDir, "node_modules/zod"), join(project, "node_modules/zod"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "notes-project", private: true, type: "module" }));
  const keys = Array.from({ length: ROUNDS * KEYS }, (_, i) => `k${i}: z.string().optional()`).join(", ");
  writeFileSync(
    join(project, "notes.ts"),
    `import { defineFlavor, BaseExperimentTracker } from "@zen/core";
import { z } from "zod";
export class Notes extends BaseExperimentTracker {}
export const notes = defineFlavor({
  type: "experiment_tracker",
  name: "notes",
  description: "keeps notes",
  config: z.object({ ${keys} }),
  implementation: async () => Notes,
});
`,
  );
  return project;
}

function expectAllOk(results: { status: number; stderr: string }[]): void {
  for (const r of results) expect({ status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ status: 0, stderr: "" });
}

describe.each(["local", "sql"])("parallel updates of different keys on a %s profile", (storeType) => {
  it("keeps every key of a component and of a secret", async () => {
    const s = sandbox();
    const project = projectWithNotesFlavor(s);
    const ok = (args: string[]) => {
      const r = s.zen(args, { cwd: project });
      expect({ args, status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ args, status: 0, stderr: "" });
      return r;
    };
    ok(["profile", "create", "shared", "--store-type", storeType]);
    ok(["profile", "set", "shared"]);
    ok(["experiment-tracker", "flavor", "register", "./notes.ts#notes"]);
    ok(["experiment-tracker", "register", "book", "--flavor", "notes"]);
    ok(["secrets-manager", "register", "vault", "--flavor", "local"]);
    ok(["stack", "register", "with-secrets", "-o", "default", "-a", "default", "-m", "default", "-x", "vault", "--set"]);
    ok(["secret", "register", "creds", "--a=1"]);
    for (let round = 0; round < ROUNDS; round++) {
      const keys = Array.from({ length: KEYS }, (_, i) => round * KEYS + i);
      expectAllOk(
        await Promise.all([
          ...keys.map((k) => s.zenAsync(["experiment-tracker", "update", "book", `--k${k}=v${k}`], { cwd: project })),
          ...keys.map((k) => s.zenAsync(["secret", "update", "creds", `--k${k}=v${k}`], { cwd: project })),
        ]),
      );
    }
    const all = Array.from({ length: ROUNDS * KEYS }, (_, k) => `k${k}`);
    const config = JSON.parse(ok(["experiment-tracker", "describe", "book", "--output", "json"]).stdout).item.config;
    expect(config).toEqual(Object.fromEntries(all.map((k) => [k, `v${k.slice(1)}`])));
    const secretKeys = JSON.parse(ok(["secret", "get", "creds", "--output", "json"]).stdout).item.keys as string[];
    expect([...secretKeys].sort()).toEqual(["a", ...all].sort());
  });
});
