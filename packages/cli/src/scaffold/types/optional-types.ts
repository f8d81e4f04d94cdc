/** Step operator, model deployer, feature store and alerter: a skeleton with the hooks to fill in. */
import type { ScaffoldNames } from "../names.ts";
import type { TypeTemplate } from "../type-template.ts";

const SECRET_COMMENT = `    // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
    // secrets manager when the component is used: the value is never stored or shown.`;

const PURPOSE: Record<string, string> = {
  step_operator: "Runs individual pipeline steps on a compute service",
  model_deployer: "Serves trained models from a model server",
  feature_store: "Serves features to pipeline steps from a feature store",
};

const HOOKS = `  // Lifecycle hooks (all optional; see StackComponent in @zen/core):
  //   prepareStackDeployment()            provision what the component needs
  //   preparePipelineDeployment(deploy)   receives the run's runtime configuration
  //   preparePipelineRun / prepareStepRun / cleanupStepRun / cleanupPipelineRun`;

/** Step operator, model deployer, feature store: no behaviour zen can check offline yet. */
export function plainTemplate(): TypeTemplate {
  return {
    description: (n) => PURPOSE[n.type.key] ?? `A ${n.type.displayName} on an external service`,
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
the flavor contract suite and an example test to replace with your own.`,
    implementation: (n) => `/**
 * The \`${n.flavor}\` ${n.type.displayName}. Fill in the lifecycle hooks with calls to your service.
 */
import { ${baseClass(n)} } from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends ${baseClass(n)}<${n.configType}> {
${HOOKS}
}
`,
    // No behaviour kit for these types yet: the flavor kit and the example test (package-files.ts) cover it.
    test: () => ({ imports: [`import { describeFlavorConformance } from "@zen/core/testing";`], body: "" }),
  };
}

function baseClass(n: ScaffoldNames): string {
  return `Base${n.typePascal}`;
}

/** Alerter: `deliver(alert)` behind `post(message)` and `post({ text, … })`, kept in an outbox by the skeleton. */
export const alerterTemplate: TypeTemplate = {
  description: () => "Posts pipeline alerts to a chat channel's webhook",
  usesSecretField: true,
  configFields: (n) => `    endpoint: z.url({ protocol: /^https?$/ }).meta({ description: "Webhook URL of the ${n.flavor} channel" }),
${SECRET_COMMENT}
    api_token: secretField("API token of the ${n.flavor} channel").optional(),`,
  exampleConfig: (n) => ({ endpoint: `https://${n.flavor}.example.com/hooks/alerts` }),
  invalidConfigs: () => [{}, { endpoint: "not a url" }, { endpoint: "https://x.example.com", api_token: "a-literal-token" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` keeps delivered alerts in \`outbox\` and reports success;
replace \`deliver\` with a call to your channel's webhook (\`this.config.endpoint\`), returning false
when the channel refuses the alert. zen's \`post\` accepts a plain message or a structured alert
(\`{ text, title, severity, fields, url }\`), validates it and hands \`deliver\` one shape; steps reach the
alerter as \`ctx.stack.alerter\`, and success/failure hooks are its usual callers.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` alerter. This skeleton keeps delivered alerts in \`outbox\`; replace \`deliver\` with a
 * call to your channel (\`this.config.endpoint\`). \`post(message)\` and \`post({ text, … })\` both arrive here.
 */
import { BaseAlerter, formatAlertText, type AlertMessage } from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseAlerter<${n.configType}> {
  readonly outbox: string[] = [];

  /** Sends one alert; resolves to whether the channel accepted it. */
  protected async deliver(alert: AlertMessage): Promise<boolean> {
    // A channel that takes only text gets formatAlertText(alert); a richer one maps title, severity and fields.
    this.outbox.push(formatAlertText(alert));
    return true;
  }
}
`,
  test: (n) => ({
    imports: [`import { describeAlerterConformance, describeFlavorConformance } from "@zen/core/testing";`],
    body: `// The behaviour every alerter owes zen: plain and structured posts delivered, invalid alerts refused,
// reachable from steps and hooks as ctx.stack.alerter. \`received\` returns what the channel got.
describeAlerterConformance("${n.flavor}", async () => {
  const alerter = new ${n.className}({
    id: "${n.flavor}-conformance",
    name: "${n.flavor}_conformance",
    flavor: "${n.flavor}",
    config: { endpoint: "https://${n.flavor}.example.com/hooks/alerts" },
    configDir: "/nonexistent",
  });
  return { alerter, received: async () => [...alerter.outbox] };
});
`,
  }),
};
