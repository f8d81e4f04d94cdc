/**
 * The kubeflow orchestrator without a prebuilt image: it builds the step image from the project that
 * holds the pipeline file and pushes it to the stack's container registry (a real OCI registry,
 * `crane registry serve` from scripts/services, with a small base image pushed there by crane), then
 * submits a spec whose containers pull that image by digest. The KFP API fake hands each run to the
 * test engine that plays the cluster.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createLocalStack, type LoadedStack } from "@zen/core";
import { BaseContainerRegistry } from "@zen/core/flavor";
import { makeTempDir, rejectionOf, startKfpApiFake, type KfpApiFake } from "@zen/test-utils";
import { requireRegistry, type RegistryService } from "../../../scripts/services/service-env.ts";
import { KubeflowOrchestrator } from "../src/kubeflow-orchestrator.ts";
import { planRunImage } from "../src/run-image.ts";
import { engine, packageSpec } from "./fake-cluster.ts";
import { crane as craneOf, pushTestBase } from "./test-base-image.ts";
import sums from "./fixtures/sums-pipeline.ts";

type Json = Record<string, any>;
const unique = `${process.pid}-${Date.now().toString(36)}`;
let registry: RegistryService;
let base: string;
let fake: KfpApiFake;
const cwd = process.cwd();

const crane = (...args: string[]) => craneOf(registry, ...args);

beforeAll(async () => {
  registry = await requireRegistry();
  base = pushTestBase(registry, `base-${unique}`);
  fake = await startKfpApiFake({ onRunCreated: (run, text) => void engine(sums, current, run, text).then((state) => fake.setRunStates(run.run_id, [state])) });
});
/** The stack the "pods" reach (the test's own). */
let current: LoadedStack;

afterAll(async () => {
  process.chdir(cwd);
  await fake?.close();
});

/** A project (package.json + the pipeline file) as the current directory, and a stack whose orchestrator has no image. */
function setup(withRegistry: boolean) {
  const project = makeTempDir("zen-kfp-project-");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: `demo-${unique}`, private: true }));
  mkdirSync(path.join(project, "src"));
  writeFileSync(path.join(project, "src/pipeline.ts"), "export { default } from './sums.ts';\n");
  process.chdir(project);
  const local = createLocalStack({ root: makeTempDir("zen-kfp-image-") });
  const orchestrator = new KubeflowOrchestrator({
    id: "kfp",
    name: "kfp",
    flavor: "kubeflow",
    config: { kubeflow_hostname: fake.url, base_image: base, timeout: 60 },
    configDir: project,
  });
  orchestrator.pollIntervalMs = 20;
  const containerRegistry = new BaseContainerRegistry({
    id: "reg",
    name: "reg",
    flavor: "default",
    config: { uri: `${registry.host}/zen-kfp-test/${unique}` },
    configDir: project,
  });
  const components = { ...local.components, orchestrator, ...(withRegistry ? { container_registry: containerRegistry } : {}) };
  const stack = { ...local, orchestrator, components } as LoadedStack;
  current = stack;
  return { stack, project };
}

describe("the step image the kubeflow orchestrator builds itself", () => {
  it("is pushed to the stack's container registry and pulled by digest by every task; a second run pushes nothing", async () => {
    const { stack, project } = setup(true);
    const view = await sums.run({ stack, runName: "img-1", onEvent: false, handleSignals: false, pipeline_file: "src/pipeline.ts" });
    expect(view.status).toBe("completed");
    const uploads = fake.exchanges.filter((e) => e.path.endsWith("/pipelines/upload") || e.path.endsWith("/pipelines/upload_version"));
    const spec = packageSpec(uploads.at(-1)!.upload!.text);
    const images = new Set(Object.values(spec.deploymentSpec.executors as Record<string, Json>).map((e) => e.container.image as string));
    expect(images.size).toBe(1);
    const [image] = [...images] as [string];
    expect(image).toMatch(new RegExp(`^${registry.host}/zen-kfp-test/${unique}/zen-kfp-sums@sha256:[0-9a-f]{64}$`));
    // What the registry holds: the base layer, dependencies and code, the entrypoint, the project's files.
    const manifest = JSON.parse(crane("manifest", image).toString("utf8")) as Json;
    expect(manifest.layers).toHaveLength(3);
    expect((JSON.parse(crane("config", image).toString("utf8")) as Json).config.Entrypoint).toEqual(["zen", "step", "run"]);
    const files = execFileSync("tar", ["-t"], { input: crane("export", image, "-"), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\n");
    expect(files).toEqual(expect.arrayContaining(["etc/os-release", "app/package.json", "app/src/pipeline.ts"]));

    // Nothing changed: the same image, already up to date in the registry.
    const input = (stack.orchestrator as KubeflowOrchestrator).imageInput({
      deployment: { pipelineName: "kfp_sums", runName: "x", stackName: stack.name, runtimeConfiguration: { pipeline_file: "src/pipeline.ts" } },
      components: stack.components,
    });
    expect(input.components.container_registry).toBeDefined();
    const plan = await planRunImage(input);
    expect(plan).toMatchObject({ reference: image, upToDate: true });
    // One file changed: only the code layer is to be pushed.
    writeFileSync(path.join(project, "src/pipeline.ts"), "export { default } from './sums.ts'; // changed\n");
    const changed = await planRunImage(input);
    expect([...changed.baseLayers, ...changed.layers].filter((l) => l.push).map((l) => l.name)).toEqual(["code"]);
    await stack.metadataStore.close();
  }, 120_000);

  it("names the missing container registry before anything is built or sent", async () => {
    const { stack } = setup(false);
    const before = fake.exchanges.length;
    const error = (await rejectionOf(
      sums.run({ stack, runName: "img-none", onEvent: false, handleSignals: false, pipeline_file: "src/pipeline.ts" }),
    )) as Error;
    expect(error.message).toContain("The kubeflow orchestrator 'kfp' has no step image and its stack no container registry to push one to.");
    expect(fake.exchanges.length).toBe(before);
    await stack.metadataStore.close();
  }, 60_000);
});
