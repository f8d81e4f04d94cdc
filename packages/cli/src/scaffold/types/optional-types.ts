/** Step operator, model deployer, feature store and alerter: a skeleton with the hooks to fill in. */
import type { ScaffoldNames } from "../names.ts";
import type { TypeTemplate } from "../type-template.ts";

const SECRET_COMMENT = `    // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
    // secrets manager when the component is used: the value is never stored or shown.`;

const PURPOSE: Record<string, string> = {
  step_operator: "Runs individual steps on the",
  model_deployer: "Serves models with the",
  feature_store: "Serves features from the",
};

const HOOKS = `  // Lifecycle hooks (all optional; see StackComponent in @zen/core):
  //   prepareStackDeployment()            provision what the component needs
  //   preparePipelineDeployment(deploy)   receives the run's runtime configuration
  //   preparePipelineRun / prepareStepRun / cleanupStepRun / cleanupPipelineRun`;

function hooksTest(n: ScaffoldNames): string {
  return `describe("${n.className}", () => {
  it("is a ${n.type.displayName} built from its config", () => {
    const component = new ${n.className}({
      id: "${n.flavor}-test",
      name: "${n.flavor}_test",
      flavor: "${n.flavor}",
      config: { endpoint: "https://${n.flavor}.example.com" },
      configDir: "/nonexistent",
    });
    expect(component.type).toBe("${n.type.key}");
    expect(component.config.endpoint).toBe("https://${n.flavor}.example.com");
  });
});
`;
}

/** Step operator, model deployer, feature store: no behaviour zen can check offline yet. */
export function plainTemplate(): TypeTemplate {
  return {
    description: (n) => `${PURPOSE[n.type.key] ?? "Works with the"} ${n.flavor} service`,
    usesSecretField: true,
    configFields: (n) => `    endpoint: z.url({ protocol: /^https?$/ }).meta({ description: "URL of the ${n.flavor} service" }),
${SECRET_COMMENT}
    api_token: secretField("API token of the ${n.flavor} service").optional(),`,
    exampleConfig: (n) => ({ endpoint: `https://${n.flavor}.example.com` }),
    invalidConfigs: () => [{}, { endpoint: "not a url" }, { endpoint: "https://x.example.com", api_token: "a-literal-token" }],
    readme: (n) =>
      `The skeleton in \`src/${n.moduleName}.ts\` extends \`${baseClass(n)}\`; fill in the lifecycle hooks
(\`prepareStackDeployment\`, \`preparePipelineDeployment\`, \`prepareStepRun\`, \`cleanupStepRun\`, …) with
calls to your service. zen has no offline behaviour suite for ${n.type.pluralDisplayName} yet: the test runs
the flavor contract suite and a unit test of the component.`,
    implementation: (n) => `/**
 * The \`${n.flavor}\` ${n.type.displayName}. Fill in the lifecycle hooks with calls to your service.
 */
import { ${baseClass(n)} } from "@zen/core";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends ${baseClass(n)}<${n.configType}> {
${HOOKS}
}
`,
    test: (n) => ({ imports: [`import { describeFlavorConformance } from "@zen/core/testing";`], body: hooksTest(n) }),
  };
}

function baseClass(n: ScaffoldNames): string {
  return `Base${n.typePascal}`;
}

/** Alerter: `post(message)`, kept in an outbox by the skeleton. */
export const alerterTemplate: TypeTemplate = {
  description: (n) => `Sends alerts to the ${n.flavor} channel`,
  usesSecretField: true,
  configFields: (n) => `    endpoint: z.url({ protocol: /^https?$/ }).meta({ description: "Webhook URL of the ${n.flavor} channel" }),
${SECRET_COMMENT}
    api_token: secretField("API token of the ${n.flavor} channel").optional(),`,
  exampleConfig: (n) => ({ endpoint: `https://${n.flavor}.example.com/hooks/alerts` }),
  invalidConfigs: () => [{}, { endpoint: "not a url" }, { endpoint: "https://x.example.com", api_token: "a-literal-token" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` keeps posted messages in \`outbox\` and reports success;
replace \`post\` with a call to your channel's webhook (\`this.config.endpoint\`), returning false
when the channel refuses the message.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` alerter. This skeleton keeps posted messages in \`outbox\`; replace \`post\` with a call
 * to your channel (\`this.config.endpoint\`).
 */
import { BaseAlerter } from "@zen/core";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseAlerter<${n.configType}> {
  readonly outbox: string[] = [];

  /** Sends \`message\`; resolves to whether the channel accepted it. */
  async post(message: string): Promise<boolean> {
    this.outbox.push(message);
    return true;
  }
}
`,
  test: (n) => ({
    imports: [`import { describeFlavorConformance } from "@zen/core/testing";`],
    body: `describe("${n.className}", () => {
  it("posts messages", async () => {
    const alerter = new ${n.className}({
      id: "${n.flavor}-test",
      name: "${n.flavor}_test",
      flavor: "${n.flavor}",
      config: { endpoint: "https://${n.flavor}.example.com/hooks/alerts" },
      configDir: "/nonexistent",
    });
    expect(await alerter.post("training finished")).toBe(true);
    expect(alerter.outbox).toEqual(["training finished"]);
  });
});
`,
  }),
};
