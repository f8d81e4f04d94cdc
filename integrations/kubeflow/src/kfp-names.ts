/** Names as Kubeflow Pipelines writes them: DNS-style, the way the kfp SDK sanitizes its own. */
import { ValidationError } from "@zen/core/flavor";

/** `Train_Model 2` → `train-model-2` (lower case; runs of other characters become one '-'). */
export function kfpName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-0-9a-z]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** A DNS-1123 label as the KFP API server wants for a pipeline name. */
export const DNS_NAME = /^[a-z0-9]([-a-z0-9]{0,126}[a-z0-9])?$/;

/** Maps zen step names to distinct task names; two steps that sanitize alike are refused. */
export function taskNames(pipeline: string, steps: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const step of steps) {
    const task = kfpName(step) || "step";
    const other = owners.get(task);
    if (other !== undefined) {
      throw new ValidationError(`Steps '${other}' and '${step}' of pipeline '${pipeline}' have the same Kubeflow task name '${task}'.`, {
        hint: `Kubeflow names are lower-case with '-'; rename one of the steps, e.g. ${step}(…, { name: "${step}_b" }).`,
      });
    }
    owners.set(task, step);
    names.set(step, task);
  }
  return names;
}
