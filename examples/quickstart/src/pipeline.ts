/**
 * The quickstart pipeline: load the iris dataset that ships with this example, split it, train a
 * softmax classifier, evaluate it on the held-out part and write a short report.
 *
 *   load_data → split → train → evaluate → report
 *                   └──────(test)───┘
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { pipeline, step } from "@zen/core";
import { z } from "zod";
import { evaluateModel, parseCsv, splitDataset, trainSoftmax, type Dataset, type Metrics, type Model } from "./model.ts";

export const DEFAULT_DATASET = fileURLToPath(new URL("../data/iris.csv", import.meta.url));

export const loadData = step({
  name: "load_data",
  parameters: z.object({ path: z.string().default(DEFAULT_DATASET) }),
  // The step reads a file: its content is part of the cache key, so editing the CSV re-runs it.
  cacheKey: async ({ path }) =>
    createHash("sha256")
      .update(await readFile(path))
      .digest("hex"),
  run: async (_inputs: void, { path }): Promise<Dataset> => parseCsv(await readFile(path, "utf8")),
});

export const split = step({
  name: "split",
  parameters: z.object({ testFraction: z.number().gt(0).lt(1), seed: z.number().int() }),
  outputs: ["train", "test"],
  run: async (data: Dataset, { testFraction, seed }) => splitDataset(data, testFraction, seed),
});

export const train = step({
  name: "train",
  parameters: z.object({ learningRate: z.number().positive(), epochs: z.number().int().positive(), l2: z.number().min(0) }),
  run: async (data: Dataset, params): Promise<Model> => trainSoftmax(data, params),
});

export const evaluate = step({
  name: "evaluate",
  run: async ({ model, test }: { model: Model; test: Dataset }): Promise<Metrics> => evaluateModel(model, test),
});

export const report = step({
  name: "report",
  run: async (metrics: Metrics, _params, ctx): Promise<string> => {
    const lines = [
      `# ${ctx.pipelineName}: run ${ctx.runName}`,
      "",
      `- test samples: ${metrics.samples}`,
      `- accuracy: ${(metrics.accuracy * 100).toFixed(1)} %`,
      `- log loss: ${metrics.logLoss.toFixed(4)}`,
      "",
      "confusion matrix (rows: actual, columns: predicted)",
      ...metrics.confusion.map((row) => `    ${row.map((v) => String(v).padStart(3)).join(" ")}`),
    ];
    return `${lines.join("\n")}\n`;
  },
});

export const parameters = z.object({
  learningRate: z.number().positive().default(0.5),
  epochs: z.number().int().positive().default(200),
  l2: z.number().min(0).default(0.001),
  testFraction: z.number().gt(0).lt(1).default(0.3),
  seed: z.number().int().default(42),
});

export const quickstart = pipeline("quickstart", { parameters }, (p) => {
  const data = loadData();
  const parts = split(data, { testFraction: p.testFraction, seed: p.seed });
  const model = train(parts.train, { learningRate: p.learningRate, epochs: p.epochs, l2: p.l2 });
  const metrics = evaluate({ model, test: parts.test });
  report(metrics);
});

export default quickstart;
