/**
 * What `zen pipeline run FILE.ts[#export]` runs: the pipeline a module exports (its default export,
 * or its only exported pipeline). TypeScript modules load through tsx.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { NotFoundError, UsageError, ZenError } from "../errors.ts";
import { causeMessage, importModule, unwrapDefault } from "../discovery/import-module.ts";
import { isPipeline, type Pipeline } from "./pipeline.ts";

/** A pipeline whose parameter types are not known statically (loaded from a file). */
export type AnyPipeline = Pipeline<any, unknown>;

export async function loadPipelineFile(specifier: string, cwd: string = process.cwd()): Promise<AnyPipeline> {
  const hash = specifier.lastIndexOf("#");
  const file = path.resolve(cwd, hash > 0 ? specifier.slice(0, hash) : specifier);
  const exportName = hash > 0 ? specifier.slice(hash + 1) : undefined;
  if (!existsSync(file)) {
    throw new NotFoundError(`No pipeline file '${file}'.`, {
      hint: "Pass the path of a module that exports a pipeline, e.g. `zen pipeline run src/pipeline.ts`.",
    });
  }
  let ns: Record<string, unknown>;
  try {
    ns = await importModule(file);
  } catch (error) {
    throw new ZenError(`Could not load the pipeline file '${file}': ${causeMessage(error)}`, {
      code: "ZEN_PIPELINE_FILE",
      hint: "Fix the error in the module (run it with `npx tsx` to see the full trace, or set ZEN_DEBUG=1).",
      cause: error,
    });
  }
  if (exportName !== undefined) {
    const value = exportName === "default" ? unwrapDefault(ns) : ns[exportName];
    if (!isPipeline(value)) {
      throw new NotFoundError(`'${file}' has no exported pipeline named '${exportName}'.`, { hint: hintFor(ns, file) });
    }
    return value;
  }
  const fallback = unwrapDefault(ns);
  if (isPipeline(fallback)) return fallback;
  const named = Object.entries(ns).filter(([, v]) => isPipeline(v)) as [string, AnyPipeline][];
  if (named.length === 1) return named[0]![1];
  if (named.length === 0) {
    throw new NotFoundError(`'${file}' exports no pipeline.`, {
      hint: 'Export one: `export default pipeline("name", (params) => { … })`. Running it at import time is not needed.',
    });
  }
  throw new UsageError(`'${file}' exports several pipelines: ${named.map(([n]) => n).join(", ")}.`, { hint: hintFor(ns, file) });
}

function hintFor(ns: Record<string, unknown>, file: string): string {
  const names = Object.entries(ns)
    .filter(([, v]) => isPipeline(v))
    .map(([n]) => n);
  const relative = path.relative(process.cwd(), file) || file;
  return names.length > 0 ? `Choose one: ${names.map((n) => `${relative}#${n}`).join(", ")}.` : "The module exports no pipeline.";
}
