/**
 * MLflow's scoring protocol (`POST /invocations`), parsed into one shape for a TypeScript model:
 * `dataframe_split` ({columns, data}), `dataframe_records` ([{column: value}]), and the tensor forms
 * `inputs` / `instances` (rows as arrays, rows as objects, or one array per column).
 */

/** What a TypeScript model's predict function receives: rows of values, with column names when the request named them. */
export interface PredictionInput {
  columns: string[] | undefined;
  rows: unknown[][];
  /** The request's `params`, if any. */
  params: Record<string, unknown> | undefined;
}

/** A TypeScript model served by zen: `predict(data, input)` returns one prediction per row. */
export type PredictFunction = (data: unknown, input: PredictionInput) => unknown[] | Promise<unknown[]>;

export const ACCEPTED_KEYS = ["dataframe_split", "dataframe_records", "inputs", "instances"] as const;

export class ScoringInputError extends Error {}

export function parseScoringInput(body: unknown): PredictionInput {
  if (!isObject(body)) throw new ScoringInputError(`The request body must be a JSON object with one of the keys ${ACCEPTED_KEYS.join(", ")}.`);
  const keys = ACCEPTED_KEYS.filter((k) => k in body);
  if (keys.length !== 1) {
    throw new ScoringInputError(
      keys.length === 0
        ? `The request body has none of the keys ${ACCEPTED_KEYS.join(", ")} (it has: ${Object.keys(body).join(", ") || "nothing"}).`
        : `The request body has more than one of the keys ${keys.join(", ")}; send one.`,
    );
  }
  const params = body.params === undefined ? undefined : isObject(body.params) ? body.params : fail("params must be an object");
  const key = keys[0]!;
  const value = body[key];
  if (key === "dataframe_split") {
    if (!isObject(value) || !Array.isArray(value.data)) fail("dataframe_split must be an object with data (an array of rows) and columns");
    const columns = value.columns === undefined ? undefined : stringArray(value.columns, "dataframe_split.columns");
    const rows = value.data.map((row, i) => (Array.isArray(row) ? row : fail(`dataframe_split.data[${i}] is not an array`)));
    return { columns, rows, params };
  }
  if (key === "dataframe_records") {
    if (!Array.isArray(value)) fail("dataframe_records must be an array of objects");
    return { ...fromRecords(value, key), params };
  }
  return { ...fromTensor(value, key), params };
}

/** `inputs`/`instances`: rows as arrays, rows as objects, scalars (one value a row), or `{column: [values]}`. */
function fromTensor(value: unknown, key: string): Omit<PredictionInput, "params"> {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isObject)) return fromRecords(value, key);
    return { columns: undefined, rows: value.map((row) => (Array.isArray(row) ? row : [row])) };
  }
  if (isObject(value)) {
    const columns = Object.keys(value);
    const series = columns.map((c) => (Array.isArray(value[c]) ? (value[c] as unknown[]) : fail(`${key}.${c} is not an array`)));
    const length = series[0]?.length ?? 0;
    if (series.some((s) => s.length !== length)) fail(`the columns of ${key} have different lengths`);
    return { columns, rows: Array.from({ length }, (_, i) => series.map((s) => s[i])) };
  }
  return fail(`${key} must be an array or an object of arrays`);
}

function fromRecords(records: unknown[], key: string): Omit<PredictionInput, "params"> {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const [i, record] of records.entries()) {
    if (!isObject(record)) fail(`${key}[${i}] is not an object`);
    for (const column of Object.keys(record)) if (!seen.has(column)) seen.add(column), columns.push(column);
  }
  return { columns, rows: records.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)) };
}

function stringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) fail(`${what} must be an array of strings`);
  return value as string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new ScoringInputError(`Invalid request: ${message}.`);
}
