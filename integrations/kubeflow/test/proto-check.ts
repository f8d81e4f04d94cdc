/**
 * Fast TypeScript-side checks of a compiled package with @bufbuild/protobuf (strict JSON parsing:
 * unknown fields and wrong types throw), against the descriptor set of Kubeflow's official protos as
 * the kfp packages carry them (`kfp_check.py descriptors`, read once per test file).
 */
import { createFileRegistry, fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { CompiledPipeline } from "../src/compile.ts";
import { kfpCheckOk } from "./kfp-python.ts";

export type ProtoChecker = (compiled: CompiledPipeline) => void;

export async function loadProtoChecker(): Promise<ProtoChecker> {
  const { set } = await kfpCheckOk<{ set: string }>(["descriptors"]);
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, Buffer.from(set, "base64")));
  const message = (name: string) => {
    const schema = registry.getMessage(name);
    if (!schema) throw new Error(`The official descriptors have no message ${name}.`);
    return schema;
  };
  const [spec, deployment, platform, executor] = [
    "ml_pipelines.PipelineSpec",
    "ml_pipelines.PipelineDeploymentConfig",
    "ml_pipelines.PlatformSpec",
    "kfp_kubernetes.KubernetesExecutorConfig",
  ].map(message);
  return (compiled) => {
    fromJson(spec!, compiled.pipelineSpec as JsonValue, { registry });
    fromJson(deployment!, compiled.pipelineSpec.deploymentSpec as JsonValue, { registry });
    if (!compiled.platformSpec) return;
    fromJson(platform!, compiled.platformSpec as JsonValue, { registry });
    const executors = (compiled.platformSpec as { platforms: { kubernetes: { deploymentSpec: { executors: Record<string, JsonValue> } } } }).platforms
      .kubernetes.deploymentSpec.executors;
    for (const config of Object.values(executors)) fromJson(executor!, config, { registry });
  };
}
