/**
 * Type-level tests of `ctx.stack` and of the hooks, checked by `tsc -p tsconfig.check.json` (each
 * `@ts-expect-error` line must be an error, or the check fails): optional components are typed by
 * their base class and may be undefined; required ones are always there; hooks get typed contexts.
 */
import {
  pipeline,
  step,
  type BaseAlerter,
  type BaseArtifactStore,
  type BaseContainerRegistry,
  type BaseExperimentTracker,
  type BaseFeatureStore,
  type BaseMetadataStore,
  type BaseModelDeployer,
  type BaseOrchestrator,
  type BaseSecretsManager,
  type BaseStepOperator,
} from "../src/index.ts";

export const usesComponents = step({
  name: "uses_components",
  run: async (_: void, _params, ctx) => {
    const artifactStore: BaseArtifactStore = ctx.stack.artifactStore;
    const metadataStore: BaseMetadataStore = ctx.stack.metadataStore;
    const orchestrator: BaseOrchestrator = ctx.stack.orchestrator;
    const alerter: BaseAlerter | undefined = ctx.stack.alerter;
    const tracker: BaseExperimentTracker | undefined = ctx.stack.experimentTracker;
    const others: [BaseStepOperator | undefined, BaseModelDeployer | undefined, BaseFeatureStore | undefined] = [
      ctx.stack.stepOperator,
      ctx.stack.modelDeployer,
      ctx.stack.featureStore,
    ];
    const registry: BaseContainerRegistry | undefined = ctx.stack.containerRegistry;
    const secrets: BaseSecretsManager | undefined = ctx.stack.secretsManager;
    // @ts-expect-error an optional component may be missing
    const mustExist: BaseAlerter = ctx.stack.alerter;
    // @ts-expect-error the alerter may be missing: check it first
    await ctx.stack.alerter.post("unchecked");
    await ctx.stack.alerter?.post("plain");
    await ctx.stack.alerter?.post({ text: "structured", title: "t", severity: "warning", fields: { n: 1, ok: true, s: "x" } });
    // @ts-expect-error severities are info, success, warning and error
    await ctx.stack.alerter?.post({ text: "x", severity: "loud" });
    // @ts-expect-error a structured alert needs its text
    await ctx.stack.alerter?.post({ title: "no text" });
    // @ts-expect-error an experiment tracker is not an alerter (it cannot post)
    const wrongType: BaseAlerter | undefined = ctx.stack.experimentTracker;
    // @ts-expect-error there is no such component type
    void ctx.stack.modelRegistry;
    void [artifactStore, metadataStore, orchestrator, alerter, tracker, others, registry, secrets, mustExist, wrongType];
    return 1;
  },
  onSuccess: async (ctx) => {
    const duration: number = ctx.durationMs;
    await ctx.stack.alerter?.post({ text: `${ctx.stepName} took ${duration} ms`, severity: "success" });
    // @ts-expect-error a success hook gets no error
    void ctx.error.message;
  },
  onFailure: async (ctx) => {
    const message: string = ctx.error.message;
    await ctx.stack.alerter?.post({ text: message, severity: "error", fields: { step: ctx.stepName, run: ctx.runName } });
  },
});

export const withHooks = pipeline(
  "with_hooks",
  {
    onSuccess: (ctx) => {
      const steps: number = ctx.run.steps.length;
      void ctx.stack.alerter?.post({ text: `${ctx.runName}: ${steps} steps`, severity: "success" });
    },
    onFailure: (ctx) => {
      const status: "failed" | "cancelled" = ctx.status;
      const failed: string[] = ctx.failedSteps.map((f) => `${f.step}: ${f.error}`);
      void [status, failed, ctx.error.message];
    },
  },
  () => {
    usesComponents();
  },
);

pipeline(
  "bad_hooks",
  {
    // @ts-expect-error a hook receives one context object, not the error
    onFailure: (error: Error, extra: string) => void [error, extra],
  },
  () => {
    usesComponents();
  },
);

// The guide's example (docs/authoring-flavors.md): hooks may return what post() returns.
declare function fit(data: number[]): number;
declare const load: () => import("../src/index.ts").StepOutput<number[]>;
const guideTrain = step({
  name: "train",
  run: async (data: number[], _params, ctx) => {
    await ctx.stack.alerter?.post(`training on ${data.length} rows`);
    return fit(data);
  },
  onFailure: (ctx) => ctx.stack.alerter?.post({ text: ctx.error.message, severity: "error", fields: { step: ctx.stepName } }),
});
export const guidePipeline = pipeline(
  "training",
  {
    onSuccess: (ctx) => ctx.stack.alerter?.post({ title: "Training done", text: ctx.runName, severity: "success" }),
  },
  () => {
    guideTrain(load());
  },
);
