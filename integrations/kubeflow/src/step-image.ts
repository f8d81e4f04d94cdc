/**
 * The step image of a project: a Node base image plus two layers, the production dependencies (change
 * rarely) then the code (changes often), with the step entrypoint (`zen step run`) on PATH. Built and
 * pushed by @zen/core's daemonless image builder.
 */
import {
  codeEntries,
  createLayer,
  dependencyEntries,
  planImage,
  pushImage,
  type ImageBuildOptions,
  type ImagePlan,
  type ImageSpec,
  type PushResult,
} from "@zen/core/image";

import { DEFAULT_BASE_IMAGE } from "./config.ts";

export { DEFAULT_BASE_IMAGE };

export interface StepImageOptions {
  /** The project directory (its package.json, node_modules and code). */
  projectDir: string;
  /** The container registry's URI, e.g. `registry.example.com/team`. */
  registryUri: string;
  /** Repository under the registry; default `zen-<pipeline>`. */
  repository: string;
  tag?: string;
  baseImage?: string;
}

export function stepImageSpec(options: StepImageOptions): ImageSpec {
  return {
    base: options.baseImage ?? DEFAULT_BASE_IMAGE,
    target: `${options.registryUri.replace(/\/+$/, "")}/${options.repository}:${options.tag ?? "latest"}`,
    layers: [createLayer("dependencies", dependencyEntries(options.projectDir)), createLayer("code", codeEntries(options.projectDir))],
    entrypoint: ["zen", "step", "run"],
    env: { NODE_ENV: "production", PATH: "/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    workdir: "/app",
  };
}

export async function planStepImage(options: StepImageOptions, build: ImageBuildOptions = {}): Promise<ImagePlan> {
  const { manifest: _m, config: _c, base: _b, ...plan } = await planImage(stepImageSpec(options), build);
  return plan;
}

export function buildStepImage(options: StepImageOptions, build: ImageBuildOptions = {}): Promise<PushResult> {
  return pushImage(stepImageSpec(options), build);
}
