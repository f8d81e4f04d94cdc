/** Rendering of command results: tables for people, JSON/YAML for scripts. */
import { loadYaml } from "./yaml.ts";
import { renderTable } from "./table.ts";
import { UsageError } from "@zen/core/command-line";
import { colors } from "./colors.ts";
import { stderr, stdout } from "./stdio.ts";

export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Version of the JSON/YAML documents the CLI prints, so scripts can detect changes. */
export const OUTPUT_FORMAT_VERSION = 1;

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = (value ?? "table").toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown output format '${value}'.`, { hint: `Use one of: ${OUTPUT_FORMATS.join(", ")}.` });
  }
  return format as OutputFormat;
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
}

/** Prints rows as a table, or `document` (defaulting to the rows) as JSON/YAML. */
export async function printList<Row>(
  format: OutputFormat,
  kind: string,
  rows: Row[],
  columns: Column<Row>[],
  document: (row: Row) => unknown = (row) => row,
): Promise<void> {
  if (format !== "table") {
    await printDocument(format, { kind, formatVersion: OUTPUT_FORMAT_VERSION, items: rows.map(document) });
    return;
  }
  const table = renderTable(
    columns.map((c) => colors.bold(c.header)),
    rows.map((row) => columns.map((c) => c.value(row))),
  );
  stdout.write(`${table}\n`);
}

/** Prints one object: a two-column property table, or JSON/YAML. */
export async function printObject(format: OutputFormat, kind: string, title: string, properties: [string, string][], document: unknown): Promise<void> {
  if (format !== "table") {
    await printDocument(format, { kind, formatVersion: OUTPUT_FORMAT_VERSION, item: document });
    return;
  }
  const table = renderTable([colors.bold("PROPERTY"), colors.bold("VALUE")], properties);
  stdout.write(`${colors.bold(title)}\n${table}\n`);
}

export async function printDocument(format: Exclude<OutputFormat, "table">, document: unknown): Promise<void> {
  if (format === "json") {
    stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const { stringify } = await loadYaml();
    stdout.write(stringify(document));
  }
}

/** Progress and context lines go to stderr, so stdout stays parseable. */
export function info(message: string): void {
  stderr.write(`${message}\n`);
}

export function success(message: string): void {
  stdout.write(`${colors.green("✔")} ${message}\n`);
}

export function warn(message: string): void {
  stderr.write(`${colors.yellow("warning:")} ${message}\n`);
}

/** Renders a config value for a table cell. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
