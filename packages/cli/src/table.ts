/**
 * Box-drawn tables for the terminal.
 *
 * Rendered here rather than with cli-table3: that library, and the lighter ones measured with it,
 * took 6–30 ms of a ~100 ms `zen stack list` for features zen does not use (wrapping, spans, colour
 * themes). The one hard part of a table, the display width of a cell, comes from Node
 * (`stripVTControlCharacters`) and get-east-asian-width.
 */
import { stripVTControlCharacters } from "node:util";
import { eastAsianWidth } from "get-east-asian-width";

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Combining marks and format characters (zero-width joiners, direction marks) take no column. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Columns `text` occupies in a terminal: colour codes ignored, wide East Asian characters and emoji count two. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const char of stripVTControlCharacters(text)) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || ZERO_WIDTH.test(char)) continue;
    width += eastAsianWidth(codePoint);
  }
  return width;
}

/**
 * A table with a header row. Cells may span several lines; rows are then separated by rules so each
 * stays readable, otherwise only the header is.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  // Each cell as its lines, each line with its width (measured once).
  const cells = [head, ...rows].map((row) => head.map((_, column) => (row[column] ?? "").split("\n").map((text) => ({ text, width: displayWidth(text) }))));
  const widths = head.map((_, column) => Math.max(...cells.flatMap((row) => row[column]!.map((line) => line.width))));
  const rule = (left: string, middle: string, right: string) => left + widths.map((w) => "─".repeat(w + 2)).join(middle) + right;
  const lines = (row: (typeof cells)[number]) =>
    Array.from({ length: Math.max(...row.map((cell) => cell.length)) }, (_, index) =>
      row.map((cell, column) => {
        const line = cell[index] ?? { text: "", width: 0 };
        return ` ${line.text}${" ".repeat(widths[column]! - line.width)} `;
      }),
    ).map((parts) => `│${parts.join("│")}│`);

  const [header, ...body] = cells;
  const separated = body.some((row) => row.some((cell) => cell.length > 1));
  const out = [rule("┌", "┬", "┐"), ...lines(header!), rule("├", "┼", "┤")];
  body.forEach((row, index) => {
    if (separated && index > 0) out.push(rule("├", "┼", "┤"));
    out.push(...lines(row));
  });
  out.push(rule("└", "┴", "┘"));
  return out.join("\n");
}
