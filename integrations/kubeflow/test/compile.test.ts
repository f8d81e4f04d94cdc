import { describe, expect, it } from "@jest/globals";
import { isZenError } from "@zen/core";
import { quickstart } from "../../../examples/quickstart/src/pipeline.ts";
import { compilePipeline, pipelinePackageText, RUN_ID_INPUT } from "../src/compile.ts";
import { kfpName } from "../src/kfp-names.ts";
import { pipelineSpecProblems } from "../src/spec-checks.ts";

type Json = Record<string, any>;

const OPTIONS = { image: `registry.example.com/zen/quickstart@sha256:${"a".repeat(64)}`, pipelineFile: "src/pipeline.ts", stackName: "kfp" };

function compileQuickstart(extra: Partial<Parameters<typeof compilePipeline>[1]> = {}) {
  const plan = quickstart.build();
  return compilePipeline(plan, { ...OPTIONS, parameters: { learningRate: 0.5, epochs: 200 }, ...extra });
}

describe("compilePipeline", () => {
  it("writes one component and executor per step, dependencies from the data edges, caching off", () => {
    const { pipelineSpec, platformSpec } = compileQuickstart();
    const spec = pipelineSpec as Json;
    expect(spec.schemaVersion).toBe("2.1.0");
    expect(spec.pipelineInfo).toEqual({ name: "quickstart" });
    expect(Object.keys(spec.components)).toEqual(["comp-load-data", "comp-split", "comp-train", "comp-evaluate", "comp-report"]);
    expect(Object.keys(spec.deploymentSpec.executors)).toEqual(["exec-load-data", "exec-split", "exec-train", "exec-evaluate", "exec-report"]);
    const tasks = spec.root.dag.tasks;
    expect(tasks["load-data"].dependentTasks).toBeUndefined();
    expect(tasks.split.dependentTasks).toEqual(["load-data"]);
    expect(tasks.evaluate.dependentTasks).toEqual(["split", "train"]);
    expect(tasks.report.dependentTasks).toEqual(["evaluate"]);
    for (const task of Object.values<Json>(tasks)) expect(task.cachingOptions).toEqual({});
    expect(platformSpec).toBeUndefined();
  });

  it("runs the step entrypoint with the run id from a pipeline input and the job name from KFP's placeholder", () => {
    const spec = compileQuickstart().pipelineSpec as Json;
    expect(spec.deploymentSpec.executors["exec-train"].container).toEqual({
      image: OPTIONS.image,
      command: ["zen", "step", "run"],
      args: [
        "--pipeline",
        "src/pipeline.ts",
        "--step",
        "train",
        "--run-id",
        `{{$.inputs.parameters['${RUN_ID_INPUT}']}}`,
        "--kfp-job",
        "{{$.pipeline_job_name}}",
        "--stack",
        "kfp",
      ],
    });
    expect(JSON.stringify(spec.deploymentSpec)).not.toContain("env");
    expect(spec.root.inputDefinitions.parameters).toEqual({
      zen_run_id: { defaultValue: "", isOptional: true, parameterType: "STRING" },
      learningRate: { defaultValue: 0.5, isOptional: true, parameterType: "NUMBER_DOUBLE" },
      epochs: { defaultValue: 200, isOptional: true, parameterType: "NUMBER_INTEGER" },
    });
  });

  it("puts pod settings on the container and into the Kubernetes platform section, a step's over the pipeline's", () => {
    const { pipelineSpec, platformSpec } = compileQuickstart({
      podSettings: { resources: { cpu_limit: "2", memory_request: "512Mi" }, node_selector: { pool: "cpu" }, env: { A: "1" } },
      stepPodSettings: {
        train: {
          resources: { accelerator_type: "nvidia.com/gpu", accelerator_count: 1 },
          tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
          env: { B: "2" },
        },
      },
    });
    const executors = (pipelineSpec as Json).deploymentSpec.executors;
    expect(executors["exec-split"].container.resources).toEqual({ resourceCpuLimit: "2", resourceMemoryRequest: "512Mi" });
    expect(executors["exec-train"].container.resources).toEqual({
      resourceCpuLimit: "2",
      resourceMemoryRequest: "512Mi",
      accelerator: { resourceCount: "1", resourceType: "nvidia.com/gpu" },
    });
    expect(executors["exec-train"].container.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    const k8s = (platformSpec as Json).platforms.kubernetes.deploymentSpec.executors;
    expect(k8s["exec-split"]).toEqual({ nodeSelector: { labels: { pool: "cpu" } } });
    expect(k8s["exec-train"]).toEqual({ nodeSelector: { labels: { pool: "cpu" } }, tolerations: [{ effect: "NoSchedule", key: "gpu", operator: "Exists" }] });
  });

  it("is deterministic and writes a package whose documents parse as JSON", () => {
    const a = pipelinePackageText(compileQuickstart({ podSettings: { node_selector: { b: "2", a: "1" } } }));
    const b = pipelinePackageText(compileQuickstart({ podSettings: { node_selector: { a: "1", b: "2" } } }));
    expect(a).toBe(b);
    const docs = a
      .replace(/^#.*\n/gm, "")
      .split("\n---\n")
      .map((d) => JSON.parse(d) as Json);
    expect(docs).toHaveLength(2);
    expect(docs[0]!.pipelineInfo.name).toBe("quickstart");
  });

  it("names tasks the way Kubeflow does and refuses two steps that would share a name", () => {
    expect(kfpName("Train_Model 2")).toBe("train-model-2");
    expect(kfpName("__a__")).toBe("a");
    const dag = {
      pipelineName: "My_Pipeline",
      steps: [
        { name: "load_data", upstream: [] },
        { name: "load-data", upstream: ["load_data"] },
      ],
    };
    let error: unknown;
    try {
      compilePipeline(dag, OPTIONS);
    } catch (thrown) {
      error = thrown;
    }
    expect(isZenError(error)).toBe(true);
    expect((error as Error).message).toBe("Steps 'load_data' and 'load-data' of pipeline 'My_Pipeline' have the same Kubeflow task name 'load-data'.");
  });

  it("refuses a pipeline parameter that collides with the run id input", () => {
    expect(() => compilePipeline({ pipelineName: "p", steps: [{ name: "a", upstream: [] }] }, { ...OPTIONS, parameters: { zen_run_id: "x" } })).toThrow(
      "Pipeline 'p' has a parameter named 'zen_run_id', which the kubeflow orchestrator uses itself.",
    );
  });

  it("compiles a 1,000-step pipeline quickly", () => {
    const steps = Array.from({ length: 1000 }, (_, i) => ({
      name: `step_${i}`,
      upstream: i === 0 ? [] : [`step_${i - 1}`, `step_${Math.floor(i / 2)}`].filter((v, j, a) => a.indexOf(v) === j),
    }));
    const started = performance.now();
    const spec = compilePipeline({ pipelineName: "big", steps }, OPTIONS).pipelineSpec as Json;
    const elapsed = performance.now() - started;
    expect(Object.keys(spec.root.dag.tasks)).toHaveLength(1000);
    expect(elapsed).toBeLessThan(1000); // the bench holds the 300 ms figure; this guards against a blow-up
  });
});

describe("pipelineSpecProblems (what Kubeflow's SDK does not catch)", () => {
  const valid = () => structuredClone(compileQuickstart().pipelineSpec) as Json;

  it("finds nothing wrong in a compiled spec", () => {
    expect(pipelineSpecProblems(valid())).toEqual([]);
  });

  it.each([
    ["a wrong schema version", (s: Json) => (s.schemaVersion = "2.0.0"), 'schemaVersion is "2.0.0", not "2.1.0"'],
    ["a name that is not DNS-style", (s: Json) => (s.pipelineInfo.name = "My_Pipeline"), "pipelineInfo.name \"My_Pipeline\" is not DNS-style (a-z, 0-9, '-')"],
    [
      "a dangling component reference",
      (s: Json) => (s.root.dag.tasks.split.componentRef.name = "comp-nope"),
      "task 'split' refers to component \"comp-nope\", which is not defined",
    ],
    [
      "a missing executor",
      (s: Json) => delete s.deploymentSpec.executors["exec-train"],
      "component 'comp-train' names executor 'exec-train', which deploymentSpec does not define",
    ],
    ["an unknown dependent task", (s: Json) => (s.root.dag.tasks.report.dependentTasks = ["nope"]), "task 'report' depends on unknown task \"nope\""],
    [
      "an unknown pipeline input",
      (s: Json) => (s.root.dag.tasks.report.inputs.parameters.zen_run_id.componentInputParameter = "run"),
      "task 'report' reads pipeline input 'run', which the pipeline does not declare",
    ],
    [
      "an undeclared component input",
      (s: Json) => (s.root.dag.tasks.report.inputs.parameters.extra = { componentInputParameter: "zen_run_id" }),
      "task 'report' passes input 'extra', which component 'comp-report' does not declare",
    ],
    ["no root", (s: Json) => delete s.root, "the spec has no root component"],
  ])("reports %s", (_what, mutate, problem) => {
    const spec = valid();
    mutate(spec);
    expect(pipelineSpecProblems(spec)).toContain(problem);
  });
});
