// Property-based fuzzing, in-process (fast-check, fixed seeds printed in each title so a failure
// replays): the command-line parser, `--key=value`/`@file` values, component configs, the global
// config and YAML store readers, and stack import documents. Every input either parses or is refused
// with a ZenError (a UsageError for the command line); nothing else may be thrown, nothing may
// touch Object.prototype.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { makeTempDir } from "@zen/test-utils";
import { stringify } from "yaml";
import { parseCommandLine } from "../../../packages/cli/src/command-line/parse.ts";
import { parseKeyValues } from "../../../packages/cli/src/key-values.ts";
import { buildProgram } from "../../../packages/cli/src/program.ts";
import { GlobalConfigFile } from "../../../packages/core/src/config/global-config.ts";
import { parseComponentConfig } from "../../../packages/core/src/config-values.ts";
import { UsageError, ZenError } from "../../../packages/core/src/errors.ts";
import { BUILTIN_FLAVORS } from "../../../packages/core/src/flavors/builtin.ts";
import { parseYaml } from "../../../packages/core/src/fs/yaml-file.ts";
import { readStackExport } from "../../../packages/core/src/stack-transfer.ts";
import { openStackStore } from "../../../packages/core/src/store/open-store.ts";
import { ALIAS_BOMB } from "./support/damage.ts";
import { recordFigures, ms, type Row } from "./support/figures.ts";
import { suiteSeed } from "./support/random.ts";

const SEED = suiteSeed(9009);
const figures: Row[] = [];
let total = 0;
afterAll(() => {
  figures.unshift([`in-process cases (fast-check, seed ${SEED})`, `${total} cases, 0 uncaught errors allowed`]);
  recordFigures("fuzzing (in-process)", 4, figures);
});

/** Runs `property` for `numRuns` cases; records the figure. */
async function check(name: string, numRuns: number, property: fc.IAsyncPropertyWithHooks<any> | fc.IPropertyWithHooks<any>): Promise<void> {
  const started = performance.now();
  await fc.assert(property as fc.IAsyncProperty<unknown>, { seed: SEED, numRuns, endOnFailure: true });
  total += numRuns;
  figures.push([name, `${numRuns} cases in ${ms(performance.now() - started)}`]);
}

const PROTO_KEYS = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "prototype", "__defineGetter__"];
const program = buildProgram();
const WORDS = [
  "stack",
  "list",
  "register",
  "update",
  "describe",
  "delete",
  "set",
  "get",
  "export",
  "import",
  "copy",
  "rename",
  "profile",
  "create",
  "secret",
  "secrets-manager",
  "artifact-store",
  "orchestrator",
  "metadata-store",
  "container-registry",
  "flavor",
  "pipeline",
  "run",
  "runs",
  "doctor",
  "status",
  "init",
  "clean",
  "help",
  "version",
  "-",
  "--",
  "-h",
  "--help",
  "-V",
  "--version",
  "--output",
  "json",
  "yaml",
  "table",
  "--profile",
  "--stack",
  "-q",
  "--quiet",
  "--q=1",
  "-y",
  "--yes",
  "--flavor",
  "local",
  "-o",
  "-a",
  "-m",
  "-x",
  "--path=/tmp/x",
  "--uri=@/dev/null",
  "--=",
  "---",
  "-abc",
  "--no-cache",
  ...PROTO_KEYS,
  ...PROTO_KEYS.map((k) => `--${k}`),
  ...PROTO_KEYS.map((k) => `--${k}=1`),
];
const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 8 }));

function assertPrototypeClean(): void {
  for (const key of ["polluted", "x", "1", "a"])
    if ((Object.prototype as Record<string, unknown>)[key] !== undefined) throw new Error(`Object.prototype.${key} was set`);
}

describe(`in-process fuzzing (seed ${SEED}; replay with ZEN_RELIABILITY_SEED=${SEED})`, () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir("zen-rel-fuzz-");
    writeFileSync(join(dir, "small.txt"), "secret-value\n");
    writeFileSync(join(dir, "at.txt"), "@small.txt");
    writeFileSync(join(dir, "big.bin"), Buffer.alloc(1024 * 1024 + 10, 65));
    mkdirSync(join(dir, "sub"));
    spawnSync("mkfifo", [join(dir, "fifo")]);
  });

  it("command lines: a command, help or a UsageError", async () => {
    await check(
      "command lines (`parseCommandLine`)",
      2000,
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        try {
          const outcome = parseCommandLine(program, argv);
          expect(["run", "help", "version"]).toContain(outcome.kind);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
        }
        assertPrototypeClean();
      }),
    );
  });

  it("--key=value and @file values: parsed into a null-prototype object, or a UsageError", async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("@small.txt", "@@small.txt", "@at.txt", "@big.bin", "@sub", "@fifo", "@missing", "@/dev/zero", "@/dev/null", "@", "@@", "=", "a=b=c"),
    );
    const key = fc.oneof(fc.constantFrom(...PROTO_KEYS, "a", "path", "q", "k-1", "_x"), fc.string({ maxLength: 10 }));
    const arg = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => [`--${k}=${v}`]),
      fc.tuple(key, value).map(([k, v]) => [`--${k}`, v]),
      word.map((w) => [w]),
    );
    await check(
      "`--key=value` / `@file` values (`parseKeyValues`)",
      1200,
      fc.property(fc.array(arg, { maxLength: 6 }), (groups) => {
        try {
          const result = parseKeyValues(groups.flat(), { cwd: dir });
          expect(Object.getPrototypeOf(result)).toBeNull();
          for (const v of Object.values(result)) expect(typeof v).toBe("string");
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
        }
        assertPrototypeClean();
      }),
    );
  });

  it("component configs for every built-in flavor: parsed or a ZenError", async () => {
    const raw = fc.dictionary(
      fc.oneof(fc.constantFrom(...PROTO_KEYS, "path", "uri", "key", "token", "a-b"), fc.string({ maxLength: 8 })),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("{{s.k}}", "{{", "}}", "/tmp/x", "relative/dir", "s3://b", "", "true", "1e999")),
      { maxKeys: 4 },
    );
    await check(
      "component configs (`parseComponentConfig`, built-in flavors)",
      800,
      fc.property(fc.constantFrom(...BUILTIN_FLAVORS), raw, (flavor, values) => {
        try {
          parseComponentConfig(flavor, values);
        } catch (error) {
          if (!(error instanceof ZenError)) throw error;
        }
        assertPrototypeClean();
      }),
    );
  });

  /** YAML text: a random value as YAML, random text, or a mutated real file. */
  const yamlText = (real: string) =>
    fc.oneof(
      fc.anything({ maxDepth: 3 }).map((v) => {
        try {
          return stringify(v) ?? "~\n";
        } catch {
          return "x: 1\n";
        }
      }),
      fc.string({ maxLength: 200 }),
      fc.tuple(fc.nat(real.length), fc.nat(20), fc.string({ maxLength: 10 })).map(([at, cut, insert]) => real.slice(0, at) + insert + real.slice(at + cut)),
      fc.constantFrom(ALIAS_BOMB, "&a [*a]\n", "!!js/function 'x'\n", "? [a]\n: b\n", "<<: *x\n", "---\n---\n", "%YAML 9.9\n---\n"),
    );

  it("global config and YAML store files: read or a ZenError naming the file", async () => {
    const configDir = join(dir, "config");
    const storeDir = join(dir, "store");
    mkdirSync(configDir);
    mkdirSync(storeDir);
    const realConfig = [
      "format_version: 1",
      "user_id: 1f0c",
      "active_profile: default",
      "profiles:",
      "  default:",
      "    store_type: local",
      "    store_url: file:///tmp/x",
      "    active_stack: default",
      "",
    ].join("\n");
    const realStore = [
      "format_version: 1",
      "components:",
      "  orchestrator:",
      "    default:",
      "      id: 9880aaf7",
      "      flavor: local",
      "      config: {}",
      "stacks:",
      "  default:",
      "    id: e696",
      "    components:",
      "      orchestrator: default",
      "flavors: {}",
      "",
    ].join("\n");
    await check(
      "global config and `stacks.yaml` files (YAML)",
      600,
      fc.asyncProperty(yamlText(realConfig), yamlText(realStore), async (configText, storeText) => {
        for (const f of readdirSync(configDir)) rmSync(join(configDir, f), { recursive: true, force: true });
        for (const f of readdirSync(storeDir)) rmSync(join(storeDir, f), { recursive: true, force: true });
        writeFileSync(join(configDir, "config.yaml"), configText);
        writeFileSync(join(storeDir, "stacks.yaml"), storeText);
        try {
          await new GlobalConfigFile(configDir).read();
        } catch (error) {
          if (!(error instanceof ZenError) || !error.message.includes("config.yaml")) throw error;
        }
        try {
          const store = await openStackStore("local", storeDir);
          try {
            await store.read();
          } finally {
            store.close();
          }
        } catch (error) {
          if (!(error instanceof ZenError) || !error.message.includes("stacks.yaml")) throw error;
        }
        assertPrototypeClean();
      }),
    );
  });

  it("stack import documents: read or a ZenError", async () => {
    const real = stringify({
      format: "zen-stack",
      formatVersion: 1,
      zenVersion: "0.1.0",
      stack: { name: "prod" },
      components: {
        orchestrator: { name: "default", flavor: "local", config: {} },
        artifact_store: { name: "s3", flavor: "s3", package: "@zen/integration-s3", config: { path: "s3://b" } },
      },
    });
    const doc = fc.oneof(
      fc.anything({ maxDepth: 4 }),
      fc.record({
        format: fc.constantFrom("zen-stack", "other", undefined),
        formatVersion: fc.oneof(fc.integer(), fc.double(), fc.string()),
        stack: fc.oneof(fc.record({ name: fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS)) }), fc.anything()),
        components: fc.dictionary(
          fc.oneof(fc.constantFrom("orchestrator", "artifact_store", "metadata_store", ...PROTO_KEYS), fc.string()),
          fc.anything({ maxDepth: 2 }),
        ),
      }),
    );
    await check(
      "stack import documents (`readStackExport`, parsed values)",
      1000,
      fc.property(doc, (value) => {
        try {
          readStackExport(value);
        } catch (error) {
          if (!(error instanceof ZenError)) throw error;
        }
        assertPrototypeClean();
      }),
    );
    await check(
      "stack import files (YAML text → `readStackExport`)",
      600,
      fc.asyncProperty(yamlText(real), async (text) => {
        try {
          readStackExport(await parseYaml(text, "/tmp/import.yaml"));
        } catch (error) {
          if (!(error instanceof ZenError)) throw error;
        }
        assertPrototypeClean();
      }),
    );
  });
});
