/** Orchestrator: a working one that runs the steps one at a time in this process, through `run.runStep`. */
import type { TypeTemplate } from "../type-template.ts";

export const orchestratorTemplate: TypeTemplate = {
  description: () => "Runs pipelines on a workflow service",
  usesSecretField: true,
  configFields: () =>
    `    endpoint: z.url({ protocol: /^https?$/ }).optional().meta({ description: "URL of the workflow service (the skeleton runs steps in this process)" }),
    namespace: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: "must be lower-case letters, digits and '-'" })
      .default("default")
      .meta({ description: "Where the runs go on the service" }),
    // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
    // secrets manager when the orchestrator is used: the value is never stored or shown.
    api_token: secretField("API token of the workflow service").optional(),`,
  exampleConfig: () => ({ endpoint: "https://workflows.example.com", namespace: "ml-team" }),
  invalidConfigs: () => [{ endpoint: "not a url" }, { namespace: "Not Valid" }, { api_token: "a-literal-token" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` runs the steps one at a time, in this process, in the
order zen hands them over (every step after its upstream steps), through \`run.runStep\`. An
orchestrator only decides where and when each step runs: zen records each outcome, reports progress,
applies the cache, calls the hooks and reports the dependants of a failed step as skipped. A real
orchestrator submits the DAG to its service in \`runPipeline\`; each remote step runs zen's step
entrypoint (\`runStepOfRun({ pipeline, runId, step })\`) and \`runPipeline\` follows the run with
\`run.poll()\` until every step has ended. The conformance suite checks the in-process contract: each
step once and after its upstream steps, and cancellation (\`run.signal\`) honoured.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` orchestrator. This skeleton runs the steps one at a time in this process, in the
 * order zen hands them over (every step comes after its upstream steps). It only decides when each
 * step runs: zen records the outcome, reports progress and skips the dependants of a failed step.
 * A real orchestrator submits the DAG to its service here (each remote step calling zen's
 * \`runStepOfRun\`) and follows the run with \`run.poll()\`.
 */
import { BaseOrchestrator, type OrchestratorRun } from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseOrchestrator<${n.configType}> {
  async runPipeline(run: OrchestratorRun): Promise<void> {
    for (const step of run.steps) {
      // A cancelled run starts no further step.
      if (run.signal.aborted) return;
      const outcome = await run.runStep(step.name);
      if (outcome.status === "cancelled") return;
    }
  }
}
`,
  test: (n) => ({
    imports: [`import { describeFlavorConformance, describeOrchestratorConformance } from "@zen/core/testing";`],
    body: `// The behaviour every orchestrator owes zen, checked on real pipeline runs: each step once and after
// its upstream steps, cached steps treated as done, a failed step's dependants not run, cancellation.
describeOrchestratorConformance("${n.flavor}", async () => ({
  orchestrator: new ${n.className}({
    id: "${n.flavor}-conformance",
    name: "${n.flavor}_conformance",
    flavor: "${n.flavor}",
    config: { namespace: "conformance" },
    configDir: "/nonexistent",
  }),
}));
`,
  }),
};
