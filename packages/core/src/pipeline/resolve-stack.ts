/** Finds the stack a run uses: the one given, or the active one through the `Zen` facade. */
import { ValidationError } from "../errors.ts";
import type { StackComponent } from "../stack-component.ts";
import type { LoadedStack, RunStack } from "../stack.ts";
import type { ZenOptions } from "../config/settings.ts";

/**
 * The facade is imported lazily: a pipeline given an explicit stack never loads the config layer,
 * and importing the pipeline API touches no global config.
 */
async function openZen(options: ZenOptions) {
  const { Zen } = await import("../zen/index.ts");
  return Zen.open(options);
}

export async function resolveStack(stack: string | LoadedStack | undefined, zenOptions: ZenOptions = {}): Promise<LoadedStack> {
  if (stack !== undefined && typeof stack !== "string") {
    checkRunnable(stack);
    return stack;
  }
  const zen = await openZen(zenOptions);
  const loaded = await zen.loadStack(stack);
  checkRunnable(loaded);
  return loaded;
}

/** Duck-typed (brand-free) checks, so components built against another copy of @zen/core still pass. */
export function checkRunnable(stack: LoadedStack): void {
  const problems: string[] = [];
  if (typeof stack.orchestrator?.runPipeline !== "function") problems.push("its orchestrator cannot run pipelines");
  if (typeof stack.artifactStore?.openWrite !== "function") problems.push("its artifact store has no filesystem API");
  if (typeof stack.metadataStore?.createRun !== "function") problems.push("its metadata store cannot record runs");
  if (problems.length > 0) {
    throw new ValidationError(`Stack '${stack.name}' cannot run pipelines: ${problems.join(", ")}.`, {
      hint: "Use components built for this version of @zen/core (orchestrator, artifact store, metadata store).",
    });
  }
}

/** Each component once, in stack order; the lifecycle hooks are called on all of them. */
export function stackComponents(stack: LoadedStack): StackComponent[] {
  const all = [...Object.values(stack.components), stack.orchestrator, stack.artifactStore, stack.metadataStore];
  return [...new Set(all.filter((c): c is StackComponent => c !== undefined))];
}

/**
 * The stack handed to steps and hooks: the loaded stack plus each optional component under its own
 * typed name. The stack loader already checked each component's type against its flavor.
 */
export function runStack(stack: LoadedStack): RunStack {
  const c = stack.components;
  return Object.freeze({
    ...stack,
    containerRegistry: c.container_registry,
    secretsManager: c.secrets_manager,
    stepOperator: c.step_operator,
    modelDeployer: c.model_deployer,
    featureStore: c.feature_store,
    experimentTracker: c.experiment_tracker,
    alerter: c.alerter,
  } as RunStack);
}
