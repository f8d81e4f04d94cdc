/**
 * The ten stack component types, and everything derived from a type, in one table.
 * The CLI generates its component command groups and `stack register` options from this table,
 * so this module must stay dependency-free (it is imported on every `zen` start).
 */

// The wording helpers ride along: the CLI's command tree and tables get them without another module.
export { capitalize, flavorSourceLabel, listWords, withArticle } from "./wording.ts";

export const COMPONENT_TYPE_KEYS = [
  "orchestrator",
  "artifact_store",
  "metadata_store",
  "container_registry",
  "secrets_manager",
  "step_operator",
  "model_deployer",
  "feature_store",
  "experiment_tracker",
  "alerter",
] as const;

export type ComponentType = (typeof COMPONENT_TYPE_KEYS)[number];

export interface ComponentTypeInfo {
  /** Key used on disk, in JSON output and in code: `artifact_store`. */
  readonly key: ComponentType;
  /** CLI group: `zen artifact-store …`. */
  readonly cliGroup: string;
  /** "artifact store" */
  readonly displayName: string;
  /** "artifact stores" */
  readonly pluralDisplayName: string;
  /** Directory / collection name: `artifact_stores`. */
  readonly plural: string;
  /** Every stack must have one. */
  readonly required: boolean;
  /** `stack register` short option, e.g. `a` for `-a/--artifact-store`. */
  readonly shortOption: string;
  /** `stack register` long option, e.g. `artifact-store`. */
  readonly longOption: string;
  readonly description: string;
}

function info(key: ComponentType, shortOption: string, required: boolean, description: string, plural = `${key}s`): ComponentTypeInfo {
  const displayName = key.replace(/_/g, " ");
  return {
    key,
    cliGroup: key.replace(/_/g, "-"),
    displayName,
    pluralDisplayName: plural.replace(/_/g, " "),
    plural,
    required,
    shortOption,
    longOption: key.replace(/_/g, "-"),
    description,
  };
}

/** In stack order: required types first, then the optional ones (tables and help list them in this order). */
export const COMPONENT_TYPES: readonly ComponentTypeInfo[] = [
  info("orchestrator", "o", true, "Orchestrates the runs of your pipelines"),
  info("artifact_store", "a", true, "Stores the artifacts created by your pipelines"),
  info("metadata_store", "m", true, "Tracks the execution of your pipelines and steps"),
  info("container_registry", "c", false, "Stores your container images", "container_registries"),
  info("secrets_manager", "x", false, "Keeps your secrets in one place"),
  info("step_operator", "s", false, "Runs individual steps in specialised environments"),
  info("model_deployer", "d", false, "Serves your models online"),
  info("feature_store", "f", false, "Manages your data and features"),
  info("experiment_tracker", "e", false, "Tracks your ML experiments"),
  // ZenML used the two-letter `-al`; a single letter keeps options POSIX-style.
  info("alerter", "l", false, "Sends alerts through your channels"),
];

const BY_KEY = new Map(COMPONENT_TYPES.map((t) => [t.key, t]));
const BY_GROUP = new Map(COMPONENT_TYPES.map((t) => [t.cliGroup, t]));

export function isComponentType(value: string): value is ComponentType {
  return BY_KEY.has(value as ComponentType);
}

export function componentType(key: ComponentType): ComponentTypeInfo {
  const found = BY_KEY.get(key);
  if (!found) throw new Error(`Unknown component type '${key}'.`);
  return found;
}

/** Accepts `artifact_store` or `artifact-store`. */
export function findComponentType(name: string): ComponentTypeInfo | undefined {
  return BY_KEY.get(name as ComponentType) ?? BY_GROUP.get(name);
}

export const REQUIRED_COMPONENT_TYPES: readonly ComponentType[] = COMPONENT_TYPES.filter((t) => t.required).map((t) => t.key);
