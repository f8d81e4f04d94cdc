/** Reading and writing zen's YAML files: a malformed file is reported with its path and line, never replaced. */
import { readFile } from "node:fs/promises";
import { parseDocument, stringify } from "yaml";
import { ZenError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";

/** Parses YAML text; `file` names the source in errors. */
export function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    const reason = problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "parse error";
    throw new ZenError(
      `Malformed YAML in '${file}'${where ? ` at line ${where.line}, column ${where.col}` : ""}: ${reason}.`,
      {
        code: "ZEN_CONFIG_MALFORMED",
        hint: `Fix the file by hand; zen left it untouched. To start afresh instead, move it aside (e.g. \`mv '${file}' '${file}.bak'\`).`,
      },
    );
  }
  return doc.toJS();
}

/** Reads and parses a YAML mapping; `undefined` when the file does not exist. */
export async function readYamlMapping(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const value = parseYaml(text, file);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ZenError(`Malformed YAML in '${file}' at line 1: expected a mapping of keys to values.`, {
      code: "ZEN_CONFIG_MALFORMED",
      hint: `Fix the file by hand; zen left it untouched. To start afresh instead, move it aside (e.g. \`mv '${file}' '${file}.bak'\`).`,
    });
  }
  return value as Record<string, unknown>;
}

export function stringifyYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

export async function writeYamlFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, stringifyYaml(value));
}
