/**
 * Checks on a compiled `PipelineSpec` that Kubeflow's SDK does not make (its protobuf parsing accepts
 * them) but the KFP backend fails on later: dangling component references, components without an
 * executor, unknown dependent tasks, unknown input parameters, the schema version, the pipeline name.
 */
import { ValidationError } from "@zen/core/flavor";
import { DNS_NAME } from "./kfp-names.ts";

type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {});

export function pipelineSpecProblems(spec: Json): string[] {
  const problems: string[] = [];
  if (spec.schemaVersion !== "2.1.0") problems.push(`schemaVersion is ${JSON.stringify(spec.schemaVersion)}, not "2.1.0"`);
  const name = obj(spec.pipelineInfo).name;
  if (typeof name !== "string" || !DNS_NAME.test(name)) problems.push(`pipelineInfo.name ${JSON.stringify(name)} is not DNS-style (a-z, 0-9, '-')`);
  const components = obj(spec.components);
  const executors = obj(obj(spec.deploymentSpec).executors);
  for (const [key, component] of Object.entries(components)) {
    const label = obj(component).executorLabel;
    if (typeof label === "string" && !(label in executors)) problems.push(`component '${key}' names executor '${label}', which deploymentSpec does not define`);
  }
  const root = obj(spec.root);
  if (Object.keys(root).length === 0) problems.push("the spec has no root component");
  const rootInputs = obj(obj(root.inputDefinitions).parameters);
  const tasks = obj(obj(root.dag).tasks);
  for (const [key, value] of Object.entries(tasks)) {
    const task = obj(value);
    const ref = obj(task.componentRef).name;
    const component = typeof ref === "string" ? components[ref] : undefined;
    if (component === undefined) problems.push(`task '${key}' refers to component ${JSON.stringify(ref)}, which is not defined`);
    const deps = Array.isArray(task.dependentTasks) ? task.dependentTasks : [];
    for (const dep of deps) if (typeof dep !== "string" || !(dep in tasks)) problems.push(`task '${key}' depends on unknown task ${JSON.stringify(dep)}`);
    const declared = obj(obj(obj(component).inputDefinitions).parameters);
    for (const [input, binding] of Object.entries(obj(obj(task.inputs).parameters))) {
      if (component !== undefined && !(input in declared))
        problems.push(`task '${key}' passes input '${input}', which component '${String(ref)}' does not declare`);
      const from = obj(binding).componentInputParameter;
      if (typeof from === "string" && !(from in rootInputs)) problems.push(`task '${key}' reads pipeline input '${from}', which the pipeline does not declare`);
    }
  }
  return problems;
}

/** Throws when the spec has a problem Kubeflow would only report at run time. */
export function assertValidPipelineSpec(spec: Json): void {
  const problems = pipelineSpecProblems(spec);
  if (problems.length === 0) return;
  throw new ValidationError(
    `The compiled Kubeflow pipeline spec is invalid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}.`,
    {
      hint: "This is a defect of the kubeflow orchestrator's compiler; please report it with the pipeline.",
      code: "ZEN_KFP_INVALID_SPEC",
    },
  );
}
