/** Orchestrator: a working one that runs the steps one at a time in this process. */
import type { TypeTemplate } from "../type-template.ts";

export const orchestratorTemplate: TypeTemplate = {
  description: (n) => `Runs pipelines on the ${n.flavor} workflow service`,
  usesSecretField: true,
  configFields: () => `    endpoint: z.url({ protocol: /^https?$/ }).optional().meta({ description: "URL of the workflow service (the skeleton runs steps in this process)" }),
    namespace: z.string().regex(/^[a-z0-9-]+$/, { message: "must be lower-case letters, digits and '-'" }).default("default").meta({ description: "Where the runs go on the service" }),
    // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
    // secrets manager when the orchestrator is used: the value is never stored or shown.
    api_token: secretField("API token of the workflow service").optional(),`,
  exampleConfig: () => ({ endpoint: "https://workflows.example.com", namespace: "ml-team" }),
  invalidConfigs: () => [{ endpoint: "not a url" }, { namespace: "Not Valid" }, { api_token: "a-literal-token" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` runs the steps one at a time, in this process, in the
order zen hands them over (every step after its upstream steps). A real orchestrator submits the DAG to its service in \`runPipeline\`; keep
the contract the conformance suite checks: each step once and after its upstream steps, cached steps
treated as done, a failed step stopping its dependants, cancellation (\`run.signal\`) honoured, and the
outcome events (\`step-finished\`, \`step-cached\`, \`step-failed\`, \`step-skipped\`) emitted.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` orchestrator. This skeleton runs the steps one at a time in this process, in the
 * order zen hands them over (every step comes after its upstream steps). A real orchestrator submits
 * the DAG to its service here; keep the contract of BaseOrchestrator in @zen/core.
 */
import { BaseOrchestrator, type OrchestratorResult, type OrchestratorRun, type StepOutcome } from "@zen/core";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseOrchestrator<${n.configType}> {
  async runPipeline(run: OrchestratorRun): Promise<OrchestratorResult> {
    const { runName } = run.deployment;
    const failed: OrchestratorResult["failed"] = [];
    const skipped: string[] = [];
    /** Steps that did not produce outputs: their dependants cannot run. */
    const blocked = new Map<string, string>();

    for (const step of run.steps) {
      if (run.signal.aborted) return { status: "cancelled", failed, skipped };
      const cause = step.upstream.find((name) => blocked.has(name));
      if (cause !== undefined) {
        blocked.set(step.name, blocked.get(cause)!);
        skipped.push(step.name);
        run.emit({ type: "step-skipped", runName, step: step.name, reason: \`upstream step '\${blocked.get(cause)}' failed\` });
        continue;
      }
      let outcome: StepOutcome;
      try {
        // Runs the step here: its cache lookup, inputs, code, outputs and metadata.
        outcome = await run.executeStep(step.name, run.signal);
      } catch (error) {
        outcome = { status: "failed", durationMs: 0, error: error instanceof Error ? error : new Error(String(error)) };
      }
      switch (outcome.status) {
        case "completed":
          run.emit({ type: "step-finished", runName, step: step.name, durationMs: outcome.durationMs, cacheReason: outcome.cacheReason });
          break;
        case "cached":
          run.emit({ type: "step-cached", runName, step: step.name, reason: outcome.cacheReason ?? "cached" });
          break;
        case "failed": {
          const error = outcome.error ?? new Error("unknown error");
          failed.push({ step: step.name, error });
          blocked.set(step.name, step.name);
          run.emit({ type: "step-failed", runName, step: step.name, durationMs: outcome.durationMs, error: error.message });
          break;
        }
        case "cancelled":
          return { status: "cancelled", failed, skipped };
      }
    }
    return { status: failed.length > 0 ? "failed" : "completed", failed, skipped };
  }
}
`,
  test: (n) => ({
    imports: [`import { describeFlavorConformance, describeOrchestratorConformance } from "@zen/core/testing";`],
    body: `// The behaviour every orchestrator owes zen, checked on real pipeline runs: each step once and after
// its upstream steps, cached steps treated as done, failures stopping dependants, cancellation.
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
