/**
 * The flavors @zen/core ships. Their implementations load on first use (the pipelines work completes
 * their run-time behaviour); their configs, validation and registration are complete here.
 */
import { z } from "zod";
import type { ComponentType } from "../component-types.ts";
import { LOCAL_PATH_KEYWORD } from "../config-values.ts";
import { defineFlavor, secretField, type Flavor } from "../flavor.ts";
import type { StackComponentClass } from "../stack-component.ts";

/** `s3://bucket`, `gs://x`, `https://host`: anything with a URL scheme is not a local path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A path on this machine; `file:///…` (and the given extra local schemes, e.g. `sqlite:///…`) count as
 * local. Marked as a local path, so a relative value is stored absolute at register/update.
 */
function localPath(what: string, localSchemes: readonly string[] = []) {
  const local = ["file", ...localSchemes].map((scheme) => `${scheme}:///`);
  return z
    .string()
    .trim()
    .min(1, { message: `must be a non-empty ${what}` })
    .refine((value) => !URL_SCHEME.test(value) || local.some((prefix) => value.startsWith(prefix)), {
      message: `must be a local ${what}, not a URL`,
    })
    .meta({ [LOCAL_PATH_KEYWORD]: true });
}

/** Implementation classes are typed by their own modules; the schemas here are what validates config. */
function lazyClass<Config>(load: () => Promise<unknown>): () => Promise<StackComponentClass<Config>> {
  return async () => (await load()) as StackComponentClass<Config>;
}

export const localOrchestratorFlavor = defineFlavor({
  type: "orchestrator",
  name: "local",
  description: "Runs pipelines on this machine, independent steps concurrently",
  config: z.object({
    maxConcurrency: z
      .number()
      .int()
      .min(1, { message: "must be at least 1" })
      .optional()
      .describe("Steps running at the same time (default: the number of CPUs, at least 4)"),
  }),
  implementation: lazyClass(() => import("../builtins/local-orchestrator.ts").then((m) => m.LocalOrchestrator)),
});

export const localArtifactStoreFlavor = defineFlavor({
  type: "artifact_store",
  name: "local",
  description: "Stores artifacts in a directory on this machine",
  config: z.object({ path: localPath("directory path").describe("Directory that holds the artifacts") }),
  implementation: lazyClass(() => import("../builtins/local-artifact-store.ts").then((m) => m.LocalArtifactStore)),
});

export const sqliteMetadataStoreFlavor = defineFlavor({
  type: "metadata_store",
  name: "sqlite",
  description: "Tracks pipelines, runs and artifacts in a SQLite database file on this machine",
  config: z.object({ uri: localPath("file path", ["sqlite"]).describe("Path of the SQLite database file (or sqlite:///path)") }),
  implementation: lazyClass(() => import("../builtins/sqlite-metadata-store.ts").then((m) => m.SqliteMetadataStore)),
});

export const defaultContainerRegistryFlavor = defineFlavor({
  type: "container_registry",
  name: "default",
  description: "Any container registry reachable by its URI (e.g. localhost:5000)",
  config: z.object({
    uri: z.string().trim().min(1, { message: "must be a non-empty registry URI" }).describe("Registry URI, e.g. localhost:5000"),
    // Image pushes (remote orchestrators) log in with these when both are set.
    username: secretField("Registry user name").optional(),
    password: secretField("Registry password or token").optional(),
  }),
  implementation: lazyClass(() => import("../components/container-registry.ts").then((m) => m.BaseContainerRegistry)),
});

export const localSecretsManagerFlavor = defineFlavor({
  type: "secrets_manager",
  name: "local",
  description: "Keeps secrets on this machine, encrypted at rest",
  config: z.object({
    path: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Directory of the encrypted secrets file (default: the secrets directory under the zen config directory)"),
  }),
  implementation: lazyClass(() => import("../secrets/local-secrets-manager.ts").then((m) => m.LocalSecretsManager)),
});

export const BUILTIN_FLAVORS: readonly Flavor[] = [
  localOrchestratorFlavor,
  localArtifactStoreFlavor,
  sqliteMetadataStoreFlavor,
  defaultContainerRegistryFlavor,
  localSecretsManagerFlavor,
] as unknown as readonly Flavor[];

export function builtinFlavor(type: ComponentType, name: string): Flavor | undefined {
  return BUILTIN_FLAVORS.find((flavor) => flavor.type === type && flavor.name === name);
}
