/**
 * The files of a scaffolded flavor package, as path → contents. A ready-to-publish npm package:
 * ESM, the `zen` key pointing at its `./flavors` export, a caret peer range on @zen/core, a build
 * (tsc), a test that type-checks and runs zen's conformance kits, and `prepack` building then
 * checking, so `npm pack`/`npm publish` (which run `prepack` before packing) ship a fresh, checked dist.
 */
import type { ComponentType } from "@zen/core/command-line";
import type { ScaffoldNames } from "./names.ts";
import { literal, literalList, type TypeTemplate } from "./type-template.ts";
import { artifactStoreTemplate } from "./types/artifact-store.ts";
import { containerRegistryTemplate } from "./types/container-registry.ts";
import { experimentTrackerTemplate } from "./types/experiment-tracker.ts";
import { metadataStoreTemplate } from "./types/metadata-store.ts";
import { alerterTemplate, plainTemplate } from "./types/optional-types.ts";
import { orchestratorTemplate } from "./types/orchestrator.ts";
import { secretsManagerTemplate } from "./types/secrets-manager.ts";

const TEMPLATES: Record<ComponentType, TypeTemplate> = {
  orchestrator: orchestratorTemplate,
  artifact_store: artifactStoreTemplate,
  metadata_store: metadataStoreTemplate,
  container_registry: containerRegistryTemplate,
  secrets_manager: secretsManagerTemplate,
  step_operator: plainTemplate(),
  model_deployer: plainTemplate(),
  feature_store: plainTemplate(),
  experiment_tracker: experimentTrackerTemplate,
  alerter: alerterTemplate,
};

/** Versions of the development tools the package is built and tested with. */
const DEV_TOOLS = {
  "@jest/globals": "^30.2.0",
  "@swc/core": "^1.13.0",
  "@swc/jest": "^0.2.39",
  "@types/node": "^20.19.0",
  jest: "^30.2.0",
  typescript: "~6.0.3",
};
const ZOD_RANGE = "^4.1.12";

export function packageFiles(n: ScaffoldNames): Record<string, string> {
  const template = TEMPLATES[n.type.key];
  return {
    "package.json": packageJson(n, template),
    "tsconfig.json": TSCONFIG,
    "tsconfig.test.json": TSCONFIG_TEST,
    "jest.config.js": JEST_CONFIG,
    ".gitignore": "node_modules/\ndist/\n*.tgz\n",
    ".npmrc": NPMRC,
    "README.md": readme(n, template),
    "src/flavors.ts": flavorsModule(n, template),
    "src/index.ts": indexModule(n),
    [`src/${n.moduleName}.ts`]: template.implementation(n),
    [`test/${n.moduleName}.test.ts`]: testModule(n, template),
  };
}

function packageJson(n: ScaffoldNames, template: TypeTemplate): string {
  const pkg = {
    name: n.packageName,
    version: "0.1.0",
    description: template.description(n).replace(/\.$/, ""),
    type: "module",
    license: "Apache-2.0",
    keywords: ["zen-integration", "zen", n.type.cliGroup],
    engines: { node: "^20.19.0 || >=22.12.0" },
    sideEffects: false,
    exports: {
      ".": "./dist/index.js",
      "./flavors": "./dist/flavors.js",
      "./package.json": "./package.json",
    },
    files: ["dist", "src"],
    zen: { apiVersion: 1, flavors: "./flavors" },
    // npm publish runs prepublishOnly, then prepack, then packs; npm pack runs prepack. So the build
    // and the check both live in prepack (through `check`): never a check of a missing or old dist.
    scripts: {
      build: "tsc -p tsconfig.json",
      test: "tsc -p tsconfig.test.json && NODE_OPTIONS=--experimental-vm-modules jest",
      check: "npm run build && zen flavor check .",
      prepack: "npm run check",
    },
    peerDependencies: { "@zen/core": n.coreRange },
    dependencies: { zod: ZOD_RANGE },
    devDependencies: sorted({ "@zen/cli": n.cliSpec, "@zen/core": n.coreSpec, ...DEV_TOOLS }),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2023",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      // Sources import each other as "./x.ts" (they also run as they are under Jest); tsc writes "./x.js".
      rewriteRelativeImportExtensions: true,
      verbatimModuleSyntax: true,
      strict: true,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      rootDir: "src",
      outDir: "dist",
      skipLibCheck: true,
      types: ["node"],
    },
    include: ["src"],
  },
  null,
  2,
)}\n`.replace(
  '"rewriteRelativeImportExtensions"',
  '// Sources import "./x.ts" (as they run under Jest); tsc rewrites it to "./x.js".\n    "rewriteRelativeImportExtensions"',
);

/** Sources and tests, type-checked by \`npm test\` before Jest runs (swc strips types without checking them). */
const TSCONFIG_TEST = `${JSON.stringify(
  {
    extends: "./tsconfig.json",
    compilerOptions: { rootDir: ".", noEmit: true, declaration: false, declarationMap: false },
    include: ["src", "test"],
  },
  null,
  2,
)}\n`;

/**
 * @zen/cli needs better-sqlite3 (a native module) to run pipelines and declares it as a peer, which
 * npm installs in users' projects. A flavor package only needs \`zen flavor check\` from it: omitting
 * peers keeps its install free of native builds (its own dependencies are listed explicitly).
 */
const NPMRC = `# zen flavor check needs no SQLite: don't install (and compile) better-sqlite3, a peer of @zen/cli.
omit=peer
`;

const JEST_CONFIG = `/** Jest in native ESM mode; swc strips the TypeScript (\`npm test\` type-checks first, with tsconfig.test.json). */
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 120000,
};
`;

function flavorsModule(n: ScaffoldNames, template: TypeTemplate): string {
  const imports = template.usesSecretField ? "defineFlavor, secretField" : "defineFlavor";
  return `/**
 * The \`${n.flavor}\` ${n.type.displayName} flavor: data only. zen imports this module (the package's
 * "./flavors" export, named by "zen.flavors" in package.json) to list the flavor and validate
 * configs; the implementation, and any SDK it needs, loads the first time a component is used.
 */
import { ${imports} } from "@zen/core/flavor";
import { z } from "zod";

export const ${n.configConst} = z.object({
${dedent(template.configFields(n), 2)}
});

export type ${n.configType} = z.infer<typeof ${n.configConst}>;

export const ${n.flavorConst} = defineFlavor<${n.configType}>({
  type: "${n.type.key}",
  name: "${n.flavor}",
  description: "${template.description(n)}",
  config: ${n.configConst},
  implementation: () => import("./${n.moduleName}.ts").then((m) => m.${n.className}),
});

export default [${n.flavorConst}];
`;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Removes up to `by` leading spaces from every line. */
function dedent(text: string, by: number): string {
  return text
    .split("\n")
    .map((line) => line.replace(new RegExp(`^ {0,${by}}`), ""))
    .join("\n");
}

function indexModule(n: ScaffoldNames): string {
  return `/** ${n.packageName}: the \`${n.flavor}\` ${n.type.displayName} flavor for zen, and its implementation. */
export { ${n.flavorConst}, ${n.configConst}, type ${n.configType} } from "./flavors.ts";
export { ${n.className} } from "./${n.moduleName}.ts";
`;
}

/** The first `secretField` key of the template's config, for the example test. */
function secretKey(template: TypeTemplate, n: ScaffoldNames): string | undefined {
  return /^\s*(\w+): secretField\(/m.exec(template.configFields(n))?.[1];
}

function testModule(n: ScaffoldNames, template: TypeTemplate): string {
  const { imports, body } = template.test(n);
  const withHelper = imports.map((line) => (line.endsWith(`from "@zen/core/testing";`) ? line.replace("import { ", "import { componentTestConfig, ") : line));
  const secret = secretKey(template, n);
  const given = secret
    ? `{ ...validConfig, ${secret}: "{{example_secret.token}}" }, {
      secrets: { example_secret: { token: "example-token" } },
    }`
    : "validConfig";
  const check = secret ? `expect(component.config.${secret}).toBe("example-token");` : "expect(component.config).toEqual(config);";
  return `/** The \`${n.flavor}\` ${n.type.displayName} flavor: the conformance kits of @zen/core, then an example test to replace. */
import { describe, expect, it } from "@jest/globals";
${withHelper.join("\n")}
import { ${n.flavorConst} } from "../src/flavors.ts";
import { ${n.className} } from "../src/${n.moduleName}.ts";

const validConfig = ${literal(template.exampleConfig(n))};

// What every flavor owes zen: brand and API version, a config schema the CLI can show and validate
// (secret fields refuse literal values), and an implementation of the right component type.
describeFlavorConformance(${n.flavorConst}, {
  validConfig,
  invalidConfigs: ${literalList(template.invalidConfigs(n), "  ")},
});

${body ? `${body}\n` : ""}// ---------------------------------------------------------------------------------------------
// EXAMPLE: replace it with tests of what your flavor does beyond the kits (the requests it sends,
// the errors it maps). componentTestConfig builds the config a component receives from zen:
// defaults applied, secret references resolved from the values the test gives.
// ---------------------------------------------------------------------------------------------
describe("EXAMPLE: ${n.className}", () => {
  it("receives its config with defaults applied${secret ? " and secrets resolved" : ""}", () => {
    const config = componentTestConfig(${n.flavorConst}, ${given});
    const component = new ${n.className}({ id: "example", name: "example", flavor: "${n.flavor}", config, configDir: "/nonexistent" });
    ${check}
  });
});
`;
}

/** Shell lines with their comments aligned. */
function commented(lines: [string, string][]): string {
  const width = Math.max(...lines.map(([command]) => command.length)) + 2;
  return lines.map(([command, comment]) => `${command.padEnd(width)}# ${comment}`).join("\n");
}

function readme(n: ScaffoldNames, template: TypeTemplate): string {
  const options = Object.entries(template.exampleConfig(n))
    .map(([key, value]) => `--${key}=${/^[\w./:@-]+$/.test(value) ? value : `'${value}'`}`)
    .join(" ");
  const component = `my_${n.flavor.replace(/-/g, "_")}`;
  return `# ${n.packageName}

<!-- An outline written by \`zen flavor init\`: fill in each TODO, and keep the commands true. -->

TODO: what the \`${n.flavor}\` ${n.type.displayName} flavor does, and for which service
(zen shows the flavor's description: "${template.description(n)}").

## Install

\`\`\`sh
npm install ${n.packageName}
${commented([
  [`npx zen ${n.type.cliGroup} flavor list`, `lists '${n.flavor}' from ${n.packageName}`],
  [`npx zen ${n.type.cliGroup} flavor describe ${n.flavor}`, "its config keys"],
])}
\`\`\`

## Configure

TODO: each config key, what it means and an example value (\`src/flavors.ts\` has the schema).

\`\`\`sh
npx zen ${n.type.cliGroup} register ${component} --flavor ${n.flavor} ${options}
npx zen stack update <stack> --${n.type.longOption} ${component}
\`\`\`

Config fields marked *secret* take a reference such as \`{{my_secret.token}}\`, stored with
\`zen secret register my_secret --token=…\` in the stack's secrets manager.

## Requirements

TODO: the service, account and permissions the flavor needs; the versions of zen it supports
(\`peerDependencies\` in package.json).

## Develop

\`\`\`sh
npm install
npm test            # type-checks, then the conformance kits of @zen/core and the package's own tests
npm run check       # builds (tsc: src → dist), then zen flavor check: the package as zen will see it
npm publish         # runs the build and the check first (prepack)
\`\`\`

- \`src/flavors.ts\` defines the flavor (name, type, description, config schema); zen imports it to
  list the flavor, so it imports no SDK.
- \`src/${n.moduleName}.ts\` is the implementation, loaded the first time a component is used.

${template.readme(n)}

To try it in a project before publishing: \`npm install /path/to/this/package\` there, then
\`npx zen ${n.type.cliGroup} flavor list\`.
`;
}
