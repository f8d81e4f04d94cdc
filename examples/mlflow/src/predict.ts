/**
 * How the deployed quickstart model predicts: zen's Node prediction server imports this module and
 * calls `predict(model, input)` for each `POST /invocations` (rows with or without column names).
 */
import type { PredictionInput } from "@zen/integration-mlflow";
import { predictProbabilities, type Model } from "zen-quickstart/src/model.ts";

export function predict(model: Model, input: PredictionInput): string[] {
  const { columns } = input;
  return input.rows.map((row) => {
    // Named columns are matched to the model's features; unnamed rows are taken in feature order.
    const values = columns ? model.featureNames.map((f) => Number(row[columns.indexOf(f)])) : row.map(Number);
    const p = predictProbabilities(model, values);
    return model.classes[p.indexOf(Math.max(...p))]!;
  });
}
