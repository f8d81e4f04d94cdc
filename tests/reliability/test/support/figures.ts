/**
 * The suite's figures: each test file records rows (what, figure) under its section; the global
 * teardown prints them as one table and writes `figures.md` (copied into the README's table).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "../..");
const FIGURES_DIR = join(PACKAGE_DIR, ".figures");

export type Row = [what: string, figure: string];

/** Records (replaces) the rows of `section`; `order` sorts sections in the final table. */
export function recordFigures(section: string, order: number, rows: Row[]): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${order}-${section.replace(/[^a-z0-9]+/gi, "-")}.json`), JSON.stringify({ section, rows }));
}

/** The table of every section recorded in this run, as Markdown. */
export function figuresTable(): string {
  let files: string[] = [];
  try {
    files = readdirSync(FIGURES_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  } catch {
    return "";
  }
  const lines = ["| area | what | figure |", "|---|---|---|"];
  for (const file of files) {
    const { section, rows } = JSON.parse(readFileSync(join(FIGURES_DIR, file), "utf8")) as { section: string; rows: Row[] };
    rows.forEach(([what, figure], i) => lines.push(`| ${i === 0 ? section : ""} | ${what} | ${figure} |`));
  }
  return `${lines.join("\n")}\n`;
}

export function writeFiguresFile(table: string): string {
  const file = join(PACKAGE_DIR, "figures.md");
  writeFileSync(file, `# Reliability figures (last run: ${new Date().toISOString()})\n\n${table}`);
  return file;
}

/** `1234.5` → `1.23 s`, `87` → `87 ms`. */
export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}
