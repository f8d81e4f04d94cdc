/**
 * From records to running code: validating a stack, and instantiating its components with their
 * secret references resolved. The secrets manager is instantiated on one path (`secretsManagerOf`)
 * for stacks, single components and the `zen secret` commands alike.
 */
import type { ComponentType } from "../component-types.ts";
import type { BaseSecretsManager } from "../components/secrets-manager.ts";
import { ZenError } from "../errors.ts";
import type { StackIssue } from "../flavor.ts";
import type { LoadedStack } from "../stack.ts";
import type { StackComponent } from "../stack-component.ts";
import { componentNotFound, findComponent, invalidStackError, label, resolveComponents, stackIssues } from "../stack-validation.ts";
import type { ComponentRecord, StackRecord, StoreSnapshot } from "../store/records.ts";
import type { ZenContext } from "./context.ts";
import { rememberSecretValues } from "../secrets/resolved-values.ts";

export async function validateStack(ctx: ZenContext, name?: string): Promise<StackIssue[]> {
  const { stack, snapshot } = await ctx.stackRecord(name);
  return stackIssues(snapshot, stack, ctx.flavorLoader(), await ctx.prepareInstallCommand());
}

export async function loadStack(ctx: ZenContext, name?: string): Promise<LoadedStack> {
  const { stack, snapshot } = await ctx.stackRecord(name);
  const issues = await stackIssues(snapshot, stack, ctx.flavorLoader(), await ctx.prepareInstallCommand());
  if (issues.length > 0) throw invalidStackError(stack.name, issues);
  const { records } = resolveComponents(snapshot, stack);
  // The secrets manager comes first: the other components' secret references resolve through it.
  const secretsManager = await secretsManagerOf(ctx, stack, snapshot);
  const components: LoadedStack["components"] = {};
  for (const [type, record] of Object.entries(records) as [ComponentType, ComponentRecord][]) {
    components[type] = type === "secrets_manager" && secretsManager ? secretsManager : await instantiate(ctx, record, secretsManager);
  }
  return {
    name: stack.name,
    orchestrator: components.orchestrator as LoadedStack["orchestrator"],
    artifactStore: components.artifact_store as LoadedStack["artifactStore"],
    metadataStore: components.metadata_store as LoadedStack["metadataStore"],
    components,
  };
}

/** One component, with its secret references resolved through the active stack's secrets manager (if any). */
export async function loadComponent(ctx: ZenContext, record: ComponentRecord): Promise<StackComponent> {
  const { stack, snapshot } = await ctx.stackRecord();
  return instantiate(ctx, record, await secretsManagerOf(ctx, stack, snapshot));
}

/** The stack's secrets manager, instantiated; undefined when the stack has none. */
export async function secretsManagerOf(ctx: ZenContext, stack: StackRecord, snapshot: StoreSnapshot): Promise<BaseSecretsManager | undefined> {
  const name = stack.components.secrets_manager;
  if (!name) return undefined;
  const record = findComponent(snapshot, "secrets_manager", name);
  if (!record) throw componentNotFound(snapshot, "secrets_manager", name);
  return (await instantiate(ctx, record, undefined)) as BaseSecretsManager;
}

/** Imports the flavor's implementation and constructs the component with its secrets resolved. */
async function instantiate(ctx: ZenContext, record: ComponentRecord, secretsManager: BaseSecretsManager | undefined): Promise<StackComponent> {
  const flavor = await ctx.flavorLoader()(record.type, record.flavor, record.package);
  // Secret fields come from the loaded flavor's schema (a custom flavor's index entry does not know them).
  const { configJsonSchema } = await import("../discovery/describe-flavor.ts");
  const { secretFieldsOf } = await import("../discovery/json-schema.ts");
  const secretFields = secretFieldsOf(configJsonSchema(flavor));
  const what = label(record.type, record.name);
  // flavor.ts loads zod: only when a stack is actually loaded.
  const { loadImplementation } = await import("../flavor.ts");
  let Implementation;
  try {
    Implementation = await loadImplementation(flavor);
  } catch (error) {
    throw new ZenError(`Could not load the implementation of ${what} (flavor '${record.flavor}'): ${(error as Error).message}`, {
      hint: "Reinstall the package that provides the flavor; run with ZEN_DEBUG=1 for the stack trace.",
      cause: error,
    });
  }
  if (Implementation.componentType !== record.type) {
    throw new ZenError(
      `The implementation of flavor '${record.flavor}' is for component type '${String(Implementation.componentType)}', not '${record.type}'.`,
      {
        hint: "Fix the flavor's `implementation` so it returns a class of the flavor's own component type.",
      },
    );
  }
  const { resolveSecretReferences } = await import("../secrets/references.ts");
  const config = await resolveSecretReferences(record.config, secretFields, secretsManager, what);
  const component = new Implementation({ id: record.id, name: record.name, flavor: record.flavor, config, configDir: ctx.state.configDir });
  // Remembered so text persisted while the component works (a step's log) can be scrubbed of them.
  rememberSecretValues(
    component,
    secretFields.filter((field) => config[field] !== record.config[field]).map((field) => config[field]),
  );
  return component;
}
