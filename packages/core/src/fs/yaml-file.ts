/**
 * Reading and writing zen's YAML files: a malformed file is reported with its path and line, never
 * replaced.
 *
 * Loading the `yaml` library costs about as much as starting Node, and every `zen` command reads two
 * or three YAML files. So next to each file zen keeps a parse cache, `.<name>.parsed.json`, holding
 * the parsed value and the exact YAML text it came from: a read whose text is identical uses it and
 * never loads `yaml`. Any other text (a hand edit, a stale or missing cache) is parsed for real, so
 * the cache can never change what a file means. (Comparing the text itself, not a hash of it, keeps
 * node:crypto off the start-up path.) Both files are small and read synchronously: an awaited read
 * waits a thread-pool round trip, which a command reading four of them feels.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ZenError } from "../errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";

type YamlModule = typeof import("yaml");
let yamlModule: Promise<YamlModule> | undefined;
function loadYaml(): Promise<YamlModule> {
  // A bundled CommonJS module may arrive as its `default` export.
  yamlModule ??= import("yaml").then((m) => ("stringify" in m ? m : (m as { default: YamlModule }).default));
  return yamlModule;
}

const CACHE_FORMAT = 2;

export function parseCacheFile(file: string): string {
  return join(dirname(file), `.${basename(file)}.parsed.json`);
}

function malformed(file: string, detail: string): ZenError {
  return new ZenError(`Malformed YAML in '${file}'${detail}.`, {
    code: "ZEN_CONFIG_MALFORMED",
    hint: `Fix the file by hand; zen left it untouched. To start afresh instead, move it aside (e.g. \`mv '${file}' '${file}.bak'\`).`,
  });
}

/** Aliases expanded per document: enough for any hand-written file, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

function parseWith(yaml: YamlModule, text: string, file: string): unknown {
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter, logLevel: "error" });
  const problem = doc.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    const reason = problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "parse error";
    throw malformed(file, `${where ? ` at line ${where.line}, column ${where.col}` : ""}: ${reason}`);
  }
  // An alias inside the node it names (`&a [*a]`) makes a cyclic value: no config means that, and
  // walking it would overflow the stack, so it is refused with the alias's line.
  const cycle = selfReferenceLine(yaml, doc, lineCounter);
  if (cycle !== undefined) throw malformed(file, `${cycle > 0 ? ` at line ${cycle}` : ""}: an alias refers to the node that contains it (a cyclic value)`);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses to expand aliases past the bound (a "billion laughs" file).
    let line: number | undefined;
    yaml.visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return yaml.visit.BREAK;
      },
    });
    const reason = /alias/i.test((error as Error).message)
      ? `too many alias references (more than ${MAX_ALIAS_COUNT} expansions; zen does not expand YAML alias bombs)`
      : (error as Error).message;
    throw malformed(file, `${line !== undefined ? ` at line ${line}` : ""}: ${reason}`);
  }
}

/** The line (0 when unknown) of the first alias that sits inside its own anchor's node, if any. */
function selfReferenceLine(
  yaml: YamlModule,
  doc: ReturnType<YamlModule["parseDocument"]>,
  lineCounter: InstanceType<YamlModule["LineCounter"]>,
): number | undefined {
  let found: number | undefined;
  yaml.visit(doc, {
    Alias(_key, node, path) {
      // An alias names an earlier anchor, so a cycle always runs through an enclosing node.
      const target = node.resolve(doc);
      if (!target || !path.includes(target)) return undefined;
      found = node.range ? lineCounter.linePos(node.range[0]).line : 0;
      return yaml.visit.BREAK;
    },
  });
  return found;
}

/** Parses YAML text; `file` names the source in errors. */
export async function parseYaml(text: string, file: string): Promise<unknown> {
  return parseWith(await loadYaml(), text, file);
}

async function readCached(file: string, text: string): Promise<{ value: unknown } | undefined> {
  try {
    const cached = JSON.parse(readFileSync(parseCacheFile(file), "utf8")) as { format?: unknown; text?: unknown; value?: unknown };
    if (cached.format === CACHE_FORMAT && cached.text === text && "value" in cached) return { value: cached.value };
  } catch {
    /* no usable cache: parse the YAML */
  }
  return undefined;
}

async function writeCache(file: string, text: string, value: unknown): Promise<void> {
  try {
    // Not synced: a cache lost in a crash is rebuilt from the YAML, and this runs inside writers' locks.
    await writeFileAtomic(parseCacheFile(file), JSON.stringify({ format: CACHE_FORMAT, text, value }), undefined, { durable: false });
  } catch {
    /* a cache that cannot be written only costs speed */
  }
}

/** Reads and parses a YAML mapping; `undefined` when the file does not exist. */
export async function readYamlMapping(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const cached = await readCached(file, text);
  let value: unknown;
  if (cached) {
    value = cached.value;
  } else {
    value = await parseYaml(text, file);
    // JSON round-trip check: only plain data (what zen writes) is cached; anything else is parsed each time.
    if (isPlainData(value)) await writeCache(file, text, value);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(file, " at line 1: expected a mapping of keys to values");
  }
  return value as Record<string, unknown>;
}

/** True when JSON preserves the value exactly (no dates, undefined, NaN, Infinity, -0, non-plain objects). */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as Record<string, unknown>).every(isPlainData);
  }
  return false;
}

/** Loads the YAML library ahead of a locked write, so the lock is not held while it loads. */
export async function preloadYaml(): Promise<void> {
  await loadYaml();
}

export async function stringifyYaml(value: unknown): Promise<string> {
  return (await loadYaml()).stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Writes the YAML atomically, then its parse cache (computed from the written text, so both agree).
 * `backup` keeps the previous version as `<file>.bak`.
 */
export async function writeYamlFile(file: string, value: unknown, options: { backup?: boolean } = {}): Promise<void> {
  const yaml = await loadYaml();
  const text = yaml.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  await writeFileAtomic(file, text, undefined, options);
  const parsed = parseWith(yaml, text, file);
  if (isPlainData(parsed)) await writeCache(file, text, parsed);
}
