/**
 * The files of a scaffolded flavor package, as path → contents. A ready-to-publish npm package:
 * ESM, the `zen` key pointing at its `./flavors` export, a caret peer range on @zen/core, a build
 * (tsc), a test running zen's conformance kits, and `prepack` building so `npm pack`/`npm publish`
 * always ship a fresh dist.
 */
import type { ComponentType } from "@zen/core/component-types";
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
    "jest.config.js": JEST_CONFIG,
    ".gitignore": "node_modules/\ndist/\n*.tgz\n",
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
    engines: { node: ">=20.19" },
    sideEffects: false,
    exports: {
      ".": "./dist/index.js",
      "./flavors": "./dist/flavors.js",
      "./package.json": "./package.json",
    },
    files: ["dist", "src"],
    zen: { apiVersion: 1, flavors: "./flavors" },
    scripts: {
      build: "tsc -p tsconfig.json",
      test: "NODE_OPTIONS=--experimental-vm-modules jest",
      check: "zen flavor check .",
      pack: "npm pack",
      prepack: "npm run build",
      prepublishOnly: "zen flavor check .",
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
)}\n`.replace('"rewriteRelativeImportExtensions"', '// Sources import "./x.ts" (as they run under Jest); tsc rewrites it to "./x.js".\n    "rewriteRelativeImportExtensions"');

const JEST_CONFIG = `/** Jest in native ESM mode; swc strips the TypeScript (type-check with \`npm run build\`). */
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
import { ${imports} } from "@zen/core";
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

function testModule(n: ScaffoldNames, template: TypeTemplate): string {
  const { imports, body } = template.test(n);
  return `/** The \`${n.flavor}\` ${n.type.displayName} flavor, tested with the conformance kits of @zen/core. */
import { describe, expect, it } from "@jest/globals";
${imports.join("\n")}
import { ${n.flavorConst} } from "../src/flavors.ts";
import { ${n.className} } from "../src/${n.moduleName}.ts";

// What every flavor owes zen: brand and API version, a config schema the CLI can show and validate
// (secret fields refuse literal values), and an implementation of the right component type.
describeFlavorConformance(${n.flavorConst}, {
  validConfig: ${literal(template.exampleConfig(n))},
  invalidConfigs: ${literalList(template.invalidConfigs(n), "  ")},
});

${body}`;
}

function readme(n: ScaffoldNames, template: TypeTemplate): string {
  const options = Object.entries(template.exampleConfig(n))
    .map(([key, value]) => `--${key}=${/^[\w./:@-]+$/.test(value) ? value : `'${value}'`}`)
    .join(" ");
  const component = `my_${n.flavor.replace(/-/g, "_")}`;
  return `# ${n.packageName}

${template.description(n)}: the \`${n.flavor}\` ${n.type.displayName} flavor for [zen](https://www.npmjs.com/package/@zen/cli).

## Use it

\`\`\`sh
npm install ${n.packageName}
npx zen ${n.type.cliGroup} flavor list            # shows '${n.flavor}' from ${n.packageName}
npx zen ${n.type.cliGroup} register ${component} --flavor ${n.flavor} ${options}
npx zen ${n.type.cliGroup} flavor describe ${n.flavor}   # every config key
\`\`\`

Then add it to a stack with \`zen stack register … --${n.type.longOption} ${component}\` (or \`zen stack update\`).
Config fields marked *secret* take a reference such as \`{{my_secret.token}}\`, stored with
\`zen secret register my_secret --token=…\` in the stack's secrets manager.

## How it is built

- \`src/flavors.ts\` defines the flavor with \`defineFlavor\`: its name, type, description and config
  schema (zod). It is what zen imports to list the flavor, so it imports no SDK.
- \`src/${n.moduleName}.ts\` is the implementation, loaded the first time a component is used.
- \`package.json\` declares the package to zen: \`"zen": { "apiVersion": 1, "flavors": "./flavors" }\`,
  the \`./flavors\` and \`./package.json\` exports, and a peer range on \`@zen/core\`.

${template.readme(n)}

## Develop

\`\`\`sh
npm install
npm test            # the conformance kits of @zen/core, on this flavor
npm run build       # tsc: src → dist
npm run check       # zen flavor check: the package as zen will see it
npm publish         # builds (prepack) and checks (prepublishOnly) first
\`\`\`

To try it in a project before publishing: \`npm install /path/to/this/package\` there, then
\`npx zen ${n.type.cliGroup} flavor list\`.
`;
}
