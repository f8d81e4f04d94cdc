// A canary secret: registered in a local secrets manager, referenced by a secret field of an
// artifact store (the `memo` flavor of zen-integration-memo) and resolved in a pipeline run. Its
// value never appears, in clear, base64 or hex, in any file under the config dir, the project, the
// artifact store or the metadata database, nor in any command's output.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { writeTree } from "@zen/test-utils";
import { listFiles } from "./support/files.ts";
import { recordFigures } from "./support/figures.ts";
import { makeRelProject } from "./support/project.ts";
import { brief, makeHome, runZen, WORKSPACE_ROOT, type ZenResult } from "./support/zen-process.ts";

const CANARY = "zenCanary7f3a91c2e4b6d8f0Secret";

/** The forms the canary could leak in: clear, hex, and base64 at each of the three byte alignments. */
function forms(value: string): string[] {
  const out = [value, Buffer.from(value).toString("hex"), Buffer.from(value).toString("hex").toUpperCase()];
  for (const pad of ["", "x", "xx"]) {
    const b64 = Buffer.from(pad + value).toString("base64");
    // Drop the characters that depend on the bytes around the value.
    out.push(b64.slice(pad ? 4 : 0, -4));
  }
  return out;
}
const FORMS = forms(CANARY);
const leaks = (text: string) => FORMS.filter((form) => text.includes(form));

let scannedFiles = 0;
let scannedOutputs = 0;
afterAll(() =>
  recordFigures("canary secret", 7, [
    ["canary secret (clear, base64, hex) in files and outputs", `0 allowed; ${scannedFiles} files and ${scannedOutputs} command outputs scanned`],
  ]),
);

describe("a canary secret", () => {
  it("never appears in any file or any command's output", async () => {
    const home = makeHome("zen-rel-canary-");
    const project = makeRelProject(home);
    symlinkSync(join(WORKSPACE_ROOT, "examples/zen-integration-memo"), join(project, "node_modules/zen-integration-memo"), "dir");
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    pkg.dependencies["zen-integration-memo"] = "*";
    writeFileSync(join(project, "package.json"), JSON.stringify(pkg, null, 2));
    mkdirSync(join(home.base, "input"));
    writeFileSync(join(home.base, "input", "token.txt"), `${CANARY}\n`);
    const memoRoot = join(home.base, "memo-objects");
    writeTree(project, {
      "pipe.ts": `import { pipeline, step } from "@zen/core";
const make = step({ name: "make", run: async () => ({ rows: [1, 2, 3] }) });
const total = step({ name: "total", run: async (d: { rows: number[] }) => d.rows.reduce((a, b) => a + b, 0) });
export default pipeline("canary_pipeline", () => { total(make()); });
`,
    });

    const outputs: [string, ZenResult][] = [];
    const zen = async (args: string[], expectStatus: number | undefined = 0, env: Record<string, string> = {}) => {
      const r = await runZen(home, args, { cwd: project, env, timeoutMs: 60_000 });
      outputs.push([`zen ${args.join(" ")}`, r]);
      if (expectStatus !== undefined && r.status !== expectStatus) throw new Error(`zen ${args.join(" ")}: expected ${expectStatus}, ${brief(r)}`);
      return r;
    };
    await zen(["secrets-manager", "register", "vault", "--flavor", "local"]);
    await zen(["stack", "register", "canary_stack", "-o", "default", "-a", "default", "-m", "default", "-x", "vault"]);
    await zen(["stack", "set", "canary_stack"]);
    await zen(["secret", "register", "canary", `--token=@${join(home.base, "input", "token.txt")}`, "--note=plain"]);
    // A literal in a secret field is refused, without echoing it.
    await zen(["artifact-store", "register", "leaky", "--flavor", "memo", "--path=memo://b/p", `--root=${memoRoot}`, `--token=${CANARY}`], 1);
    await zen([
      "artifact-store",
      "register",
      "memo_store",
      "--flavor",
      "memo",
      "--path=memo://canary-bucket/zen",
      `--root=${memoRoot}`,
      "--token={{canary.token}}",
    ]);
    await zen(["stack", "update", "canary_stack", "-a", "memo_store"]);
    await zen(["pipeline", "run", "pipe.ts", "--no-cache"]);
    await zen(["pipeline", "run", "pipe.ts"], 0, { ZEN_DEBUG: "1" });
    for (const args of [
      ["secret", "get", "canary"],
      ["secret", "get", "canary", "--output", "json"],
      ["secret", "list", "--output", "yaml"],
      ["artifact-store", "describe", "memo_store", "--output", "json"],
      ["artifact-store", "list"],
      ["stack", "describe", "canary_stack", "--output", "yaml"],
      ["stack", "export", "canary_stack", "exported.yaml"],
      ["stack", "export", "canary_stack", "-"],
      ["pipeline", "runs", "list", "--output", "json"],
      ["pipeline", "runs", "describe"],
      ["status"],
      ["doctor"],
      ["stack", "validate"],
    ]) {
      await zen(args, undefined);
    }
    // A failing run (the referenced key is gone) must not print the value either.
    await zen(["secret", "update", "canary", "--other=x"], undefined);
    await zen(["pipeline", "run", "pipe.ts", "--no-cache"], undefined, { ZEN_DEBUG: "1" });

    const found: string[] = [];
    for (const [line, r] of outputs) {
      scannedOutputs++;
      for (const form of leaks(r.stdout + r.stderr)) found.push(`output of \`${line}\` contains ${form === CANARY ? "the value" : `an encoding (${form})`}`);
    }
    // Everything under HOME but the input file: config dir, project (without installed packages), artifact stores, metadata databases.
    for (const file of listFiles(home.base)) {
      if (file.startsWith("input/") || file.includes("node_modules/")) continue;
      scannedFiles++;
      const text = readFileSync(join(home.base, file)).toString("latin1");
      for (const form of leaks(text)) found.push(`${file} contains ${form === CANARY ? "the value" : `an encoding (${form})`}`);
    }
    expect(outputs.find(([line]) => line.startsWith("zen pipeline run pipe.ts --no-cache"))?.[1].status).toBe(0);
    expect(listFiles(home.base).some((f) => f.endsWith("metadata.db"))).toBe(true);
    expect(listFiles(memoRoot).length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
