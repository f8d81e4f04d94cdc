/**
 * `pnpm dry-run [--registry HOST[:PORT]/PATH --base IMAGE] [--out FILE]`: compiles the quickstart
 * for Kubeflow Pipelines v2 and prints the pipeline package (or writes it to FILE); with a registry,
 * also prints the plan of the step image: its layers and which of them a build would push. Nothing
 * is pushed and nothing is submitted.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compilePipeline, pipelinePackageText, planStepImage } from "@zen/integration-kubeflow";
import { parameters, quickstart } from "../../quickstart/src/pipeline.ts";

const { values } = parseArgs({ options: { registry: { type: "string" }, base: { type: "string" }, out: { type: "string" } } });
const PROJECT = new URL("../../quickstart/", import.meta.url).pathname;
const placeholder = `registry.example.com/zen-quickstart@sha256:${"0".repeat(64)}`;

let image = placeholder;
if (values.registry) {
  const plan = await planStepImage({
    projectDir: PROJECT,
    registryUri: values.registry,
    repository: "zen-quickstart",
    ...(values.base ? { baseImage: values.base } : {}),
  });
  image = plan.reference;
  console.error(`Step image ${plan.reference}${plan.upToDate ? " (already pushed)" : ""}`);
  for (const layer of [...plan.baseLayers, ...plan.layers]) {
    console.error(
      `  ${layer.push ? "push" : "have"}  ${(layer.name.startsWith("base:") ? "base" : layer.name).padEnd(12)} ` +
        `${layer.digest.slice(0, 19)}  ${layer.size} bytes`,
    );
  }
}
const defaults = parameters.parse({});
const text = pipelinePackageText(compilePipeline(quickstart.build(defaults), { image, pipelineFile: "src/pipeline.ts", parameters: defaults }));
if (values.out) {
  writeFileSync(values.out, text);
  console.error(`Pipeline package written to ${values.out}`);
} else {
  process.stdout.write(text);
}
