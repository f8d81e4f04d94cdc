/**
 * Pod settings in the two places Kubeflow reads them: resources and env on the container
 * (`PipelineContainerSpec`), node selector and tolerations in the Kubernetes platform section
 * (`KubernetesExecutorConfig` of kfp-kubernetes).
 */
import type { PodSettings } from "./config.ts";

type Json = Record<string, unknown>;

/** A step's settings over the pipeline's: maps merge by key, the rest is replaced. */
export function mergePodSettings(base: PodSettings | undefined, step: PodSettings | undefined): PodSettings | undefined {
  if (!base) return step;
  if (!step) return base;
  return {
    resources: base.resources || step.resources ? { ...base.resources, ...step.resources } : undefined,
    node_selector: base.node_selector || step.node_selector ? { ...base.node_selector, ...step.node_selector } : undefined,
    tolerations: step.tolerations ?? base.tolerations,
    env: base.env || step.env ? { ...base.env, ...step.env } : undefined,
  };
}

export function containerResources(pod: PodSettings | undefined): Json | undefined {
  const r = pod?.resources;
  if (!r) return undefined;
  const out: Json = {};
  if (r.cpu_limit !== undefined) out.resourceCpuLimit = r.cpu_limit;
  if (r.cpu_request !== undefined) out.resourceCpuRequest = r.cpu_request;
  if (r.memory_limit !== undefined) out.resourceMemoryLimit = r.memory_limit;
  if (r.memory_request !== undefined) out.resourceMemoryRequest = r.memory_request;
  if (r.accelerator_type !== undefined) {
    out.accelerator = { resourceCount: String(r.accelerator_count ?? 1), resourceType: r.accelerator_type };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function kubernetesExecutorConfig(pod: PodSettings | undefined): Json | undefined {
  if (!pod) return undefined;
  const out: Json = {};
  const labels = Object.entries(pod.node_selector ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (labels.length > 0) out.nodeSelector = { labels: Object.fromEntries(labels) };
  if (pod.tolerations && pod.tolerations.length > 0) {
    out.tolerations = pod.tolerations.map((t) => ({
      ...(t.effect !== undefined ? { effect: t.effect } : {}),
      ...(t.key !== undefined ? { key: t.key } : {}),
      ...(t.operator !== undefined ? { operator: t.operator } : {}),
      ...(t.toleration_seconds !== undefined ? { tolerationSeconds: String(t.toleration_seconds) } : {}),
      ...(t.value !== undefined ? { value: t.value } : {}),
    }));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
