/** Prints the figures of the whole run as one table and writes them to figures.md. */
import { figuresTable, writeFiguresFile } from "./figures.ts";

export default function globalTeardown(): void {
  const table = figuresTable();
  if (!table) return;
  const file = writeFiguresFile(table);
  process.stdout.write(`\nReliability figures (also in ${file}):\n\n${table}\n`);
}
