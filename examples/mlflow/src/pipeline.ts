/**
 * The quickstart pipeline with experiment tracking: `train` logs its hyperparameters, `evaluate` its
 * metrics and `report` the report as a file, through the stack's experiment tracker (any flavor with
 * the MLflow tracker's logging methods; without a tracker the pipeline runs the same and logs nothing).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline, step, type StepContext } from "@zen/core";
import { deployModel, type MlflowExperimentTracker } from "@zen/integration-mlflow";
import { z } from "zod";
import { evaluateModel, trainSoftmax, type Dataset, type Metrics, type Model } from "zen-quickstart/src/model.ts";
import { loadData, parameters, split } from "zen-quickstart/src/pipeline.ts";

/** The stack's tracker when it has the logging methods, else undefined. */
function tracker(ctx: StepContext): MlflowExperimentTracker | undefined {
  const t = ctx.stack.experimentTracker as Partial<MlflowExperimentTracker> | undefined;
  return typeof t?.logParams === "function" ? (t as MlflowExperimentTracker) : undefined;
}

export const train = step({
  name: "train",
  parameters: z.object({ learningRate: z.number().positive(), epochs: z.number().int().positive(), l2: z.number().min(0) }),
  run: async (data: Dataset, params, ctx): Promise<Model> => {
    await tracker(ctx)?.logParams(ctx, { ...params, samples: data.features.length });
    return trainSoftmax(data, params);
  },
});

export const evaluate = step({
  name: "evaluate",
  run: async ({ model, test }: { model: Model; test: Dataset }, _p, ctx): Promise<Metrics> => {
    const metrics = evaluateModel(model, test);
    await tracker(ctx)?.logMetrics(ctx, { accuracy: metrics.accuracy, log_loss: metrics.logLoss });
    return metrics;
  },
});

export const report = step({
  name: "report",
  run: async (metrics: Metrics, _p, ctx): Promise<string> => {
    const text =
      `# ${ctx.pipelineName}: run ${ctx.runName}\n\n` + `- accuracy: ${(metrics.accuracy * 100).toFixed(1)} %\n- log loss: ${metrics.logLoss.toFixed(4)}\n`;
    const t = tracker(ctx);
    if (t) {
      const dir = await mkdtemp(join(tmpdir(), "zen-report-"));
      try {
        await writeFile(join(dir, "report.md"), text);
        await t.logArtifact(ctx, join(dir, "report.md"));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return text;
  },
});

export const trackedQuickstart = pipeline("mlflow_quickstart", { parameters }, (p) => {
  const parts = split(loadData(), { testFraction: p.testFraction, seed: p.seed });
  const model = train(parts.train, { learningRate: p.learningRate, epochs: p.epochs, l2: p.l2 });
  report(evaluate({ model, test: parts.test }));
});

/** Registers the trained model in MLflow's model registry and serves it (zen's Node server, src/predict.ts). */
export const deploy = deployModel<Model>({ modelName: "mlflow_quickstart", predictor: { module: new URL("./predict.ts", import.meta.url) } });

/** The same, and the model deployed on the stack's model deployer. */
export const deployedQuickstart = pipeline("mlflow_quickstart", { parameters }, (p) => {
  const parts = split(loadData(), { testFraction: p.testFraction, seed: p.seed });
  const model = train(parts.train, { learningRate: p.learningRate, epochs: p.epochs, l2: p.l2 });
  report(evaluate({ model, test: parts.test }));
  deploy(model);
});

export default trackedQuickstart;
