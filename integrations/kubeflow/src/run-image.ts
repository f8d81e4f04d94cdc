/**
 * The step image of one run when the orchestrator has no prebuilt `image`: built from the project
 * that holds the pipeline file and pushed to the stack's container registry, with the registry's
 * credentials (secret references, resolved when the stack loaded). A rebuild with nothing changed
 * pushes nothing; the pods pull the image by digest.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { ZenError, type BaseContainerRegistry, type StackComponent } from "@zen/core/flavor";
import type { ImageBuildOptions, ImagePlan, PushResult } from "@zen/core/image";
import { kfpName } from "./kfp-names.ts";
import { buildStepImage, planStepImage, type StepImageOptions } from "./step-image.ts";

/** The directory above `from` (or `from` itself) holding a package.json and `pipelineFile` (project-relative). */
export function findProjectDir(pipelineFile: string, from: string = process.cwd()): string {
  const file = pipelineFile.replace(/#[^/]*$/, "");
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, file))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new ZenError(`No project holding the pipeline file '${file}' above ${path.resolve(from)}.`, {
    hint: "Run from the project directory (where its package.json is), with the pipeline file given relative to it.",
  });
}

export interface RunImageInput {
  orchestrator: string;
  pipelineName: string;
  pipelineFile: string;
  components: Readonly<Partial<Record<string, StackComponent>>>;
  baseImage?: string | undefined;
  projectDir?: string | undefined;
}

/** What to build and where to push it; the registry's credentials when it has them. */
export function runImageOptions(input: RunImageInput): { options: StepImageOptions; build: ImageBuildOptions } {
  const registry = input.components.container_registry as BaseContainerRegistry | undefined;
  if (!registry) {
    throw new ZenError(`The kubeflow orchestrator '${input.orchestrator}' has no step image and its stack no container registry to push one to.`, {
      hint:
        "Add a container registry the cluster pulls from (`zen stack update <stack> -c <registry>`), " +
        `or set a prebuilt image: \`zen orchestrator update ${input.orchestrator} --image <reference>\`.`,
    });
  }
  const { username, password } = registry.config as { username?: unknown; password?: unknown };
  const credentials = typeof username === "string" && typeof password === "string" ? { username, password } : undefined;
  return {
    options: {
      projectDir: input.projectDir ?? findProjectDir(input.pipelineFile),
      registryUri: registry.uri,
      repository: `zen-${kfpName(input.pipelineName)}`,
      ...(input.baseImage ? { baseImage: input.baseImage } : {}),
    },
    build: { client: (host) => (host === registry.uri.split("/")[0] ? { credentials } : {}) },
  };
}

export function pushRunImage(input: RunImageInput): Promise<PushResult> {
  const { options, build } = runImageOptions(input);
  return buildStepImage(options, build);
}

export function planRunImage(input: RunImageInput): Promise<ImagePlan> {
  const { options, build } = runImageOptions(input);
  return planStepImage(options, build);
}

/** One line per layer: pushed (or to push) or already there. */
export function describeImagePlan(plan: ImagePlan, verb: "push" | "pushed" = "push"): string {
  const lines = [`Step image ${plan.reference}${plan.upToDate ? " (up to date)" : ""}`];
  for (const layer of [...plan.baseLayers.map((l) => ({ ...l, name: "base" })), ...plan.layers]) {
    lines.push(`  ${(layer.push ? verb : "have").padEnd(6)} ${layer.name.padEnd(12)} ${layer.digest.slice(0, 19)}  ${layer.size} bytes`);
  }
  return `${lines.join("\n")}\n`;
}
