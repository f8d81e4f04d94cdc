/**
 * What zen's compiler writes, checked by Kubeflow's own packages (kfp, kfp-pipeline-spec and
 * kfp-kubernetes 2.17.3 in the venv scripts/services installs): strict protobuf parsing, the SDK's
 * load-and-recompile round trip, and the same pipeline written with the kfp DSL.
 */
import { describe, expect, it } from "@jest/globals";
import { quickstart } from "../../../examples/quickstart/src/pipeline.ts";
import { compilePipeline, type CompiledPipeline } from "../src/compile.ts";
import { pipelineSpecProblems } from "../src/spec-checks.ts";
import { kfpCheck, kfpCheckOk } from "./kfp-python.ts";
import { loadProtoChecker } from "./proto-check.ts";

type Json = Record<string, any>;

const IMAGE = `registry.example.com/zen/quickstart@sha256:${"b".repeat(64)}`;
const FILE = "src/pipeline.ts";
const STACK = "kfp";

function compileQuickstart(extra: Partial<Parameters<typeof compilePipeline>[1]> = {}): CompiledPipeline {
  const parameters = { learningRate: 0.5, epochs: 200, l2: 0.001, testFraction: 0.3, seed: 42 };
  return compilePipeline(quickstart.build(parameters), { image: IMAGE, pipelineFile: FILE, stackName: STACK, parameters, ...extra });
}

const withoutSdkVersion = ({ sdkVersion: _v, ...rest }: Json) => rest;

describe("the compiled spec, by Kubeflow's own packages", () => {
  it("equals the same pipeline written with the kfp DSL and compiled by the SDK", async () => {
    const golden = await kfpCheckOk<Json[]>(["golden-quickstart", IMAGE, FILE, STACK]);
    expect(golden).toHaveLength(1);
    expect(withoutSdkVersion(compileQuickstart().pipelineSpec)).toEqual(withoutSdkVersion(golden[0]!));
  });

  it("parses strictly into PipelineSpec, PipelineDeploymentConfig and the Kubernetes platform protos, and survives the SDK's round trip", async () => {
    const compiled = compileQuickstart({
      podSettings: {
        resources: { cpu_limit: "2", cpu_request: "500m", memory_limit: "4Gi", memory_request: "1Gi" },
        node_selector: { pool: "cpu" },
        env: { LOG_LEVEL: "debug" },
      },
      stepPodSettings: {
        train: {
          resources: { accelerator_type: "nvidia.com/gpu", accelerator_count: 2 },
          tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", toleration_seconds: 60 }],
        },
      },
    });
    const { recompiled } = await kfpCheckOk<{ recompiled: Json[] }>(["validate"], compiled);
    expect(withoutSdkVersion(recompiled[0]!)).toEqual(withoutSdkVersion(compiled.pipelineSpec));
    expect(recompiled[1]).toEqual(compiled.platformSpec);
  });

  it("is checked strictly: an unknown field or a wrong type is refused", async () => {
    const unknown = structuredClone(compileQuickstart()) as Json;
    unknown.pipelineSpec.root.dag.tasks.train.retries = 3;
    const refused = await kfpCheck(["validate"], unknown);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no field named "retries"');
    const badExecutor = structuredClone(compileQuickstart()) as Json;
    badExecutor.pipelineSpec.deploymentSpec.executors["exec-train"].container.image = 7;
    const wrongType = await kfpCheck(["validate"], badExecutor);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toContain("ParseError");
  });

  it("is checked strictly in TypeScript too, with @bufbuild/protobuf and the official descriptors", async () => {
    const check = await loadProtoChecker();
    const compiled = compileQuickstart({
      podSettings: { resources: { cpu_limit: "2" }, node_selector: { pool: "cpu" }, env: { A: "1" } },
      stepPodSettings: { train: { tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", toleration_seconds: 60 }] } },
    });
    const started = performance.now();
    expect(() => check(compiled)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(200);
    const unknown = structuredClone(compiled) as Json;
    unknown.pipelineSpec.root.dag.tasks.train.retries = 3;
    expect(() => check(unknown as CompiledPipeline)).toThrow(/retries/);
    const wrongType = structuredClone(compiled) as Json;
    wrongType.pipelineSpec.deploymentSpec.executors["exec-train"].container.image = 7;
    expect(() => check(wrongType as CompiledPipeline)).toThrow();
    const badPlatform = structuredClone(compiled) as Json;
    badPlatform.platformSpec.platforms.kubernetes.deploymentSpec.executors["exec-train"].nodeSelector = { pool: "cpu" };
    expect(() => check(badPlatform as CompiledPipeline)).toThrow(/pool/);
  });

  it("needs zen's own checks for what the SDK lets through", async () => {
    const dangling = structuredClone(compileQuickstart()) as Json;
    dangling.pipelineSpec.root.dag.tasks.report.dependentTasks = ["nope"];
    dangling.pipelineSpec.schemaVersion = "2.0.0";
    const parsed = await kfpCheck(["validate"], { pipelineSpec: dangling.pipelineSpec });
    // The SDK's strict parsing and its round trip accept it…
    expect(parsed.code).toBe(0);
    // …zen names both problems before anything is sent.
    expect(pipelineSpecProblems(dangling.pipelineSpec)).toEqual(['schemaVersion is "2.0.0", not "2.1.0"', "task 'report' depends on unknown task \"nope\""]);
  });
});
