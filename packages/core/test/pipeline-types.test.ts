/**
 * Runs the TypeScript compiler on pipeline-types.test-d.ts: correct wirings compile, and every line
 * marked `@ts-expect-error` is an error for real.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import type TypeScript from "typescript";
import { CORE_DIR } from "./pipeline-helpers.ts";

const ts = createRequire(path.join(CORE_DIR, "package.json"))("typescript") as typeof TypeScript;
const TYPES_FILE = path.join(CORE_DIR, "test", "pipeline-types.test-d.ts");

/** Compiles the types file with `replacement` as its text. */
function compile(replacement: string): TypeScript.Diagnostic[] {
  const configPath = path.join(CORE_DIR, "tsconfig.types-test.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const host = ts.createCompilerHost(config.options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === TYPES_FILE ? ts.createSourceFile(file, replacement, language) : original(file, language, ...rest);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
  return [...ts.getPreEmitDiagnostics(program)];
}

const lineOf = (d: TypeScript.Diagnostic) => (d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line : -1);
const format = (d: TypeScript.Diagnostic) =>
  `${d.file ? path.basename(d.file.fileName) : ""}:${lineOf(d) + 1} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;

describe("pipeline API types", () => {
  // One compile of the file without its markers proves both halves: every marked line is an error
  // by itself, and no other line is (so the file as written compiles cleanly).
  it("accepts the typed examples and rejects each wrong wiring marked @ts-expect-error", () => {
    const source = readFileSync(TYPES_FILE, "utf8");
    const lines = source.split("\n");
    const marked = (line: string) => line.trim().startsWith("// @ts-expect-error");
    const expected = lines.flatMap((line, i) => (marked(line) ? [i + 1] : []));
    expect(expected.length).toBeGreaterThanOrEqual(15);
    const diagnostics = compile(lines.map((line) => (marked(line) ? "" : line)).join("\n"));
    const elsewhere = diagnostics.filter((d) => !d.file || path.resolve(d.file.fileName) !== TYPES_FILE);
    expect(elsewhere.map(format)).toEqual([]);
    const errorLines = [...new Set(diagnostics.filter((d) => !elsewhere.includes(d)).map(lineOf))].sort((a, b) => a - b);
    expect(errorLines).toEqual(expected);
  });
});
