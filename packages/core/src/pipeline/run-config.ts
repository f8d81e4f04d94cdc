/**
 * The run configuration file of `zen pipeline run --config run.yaml`:
 *
 *   run_name: nightly-42          # optional
 *   enable_cache: false           # optional
 *   parameters:                   # the pipeline's parameters
 *     learningRate: 0.1
 *   runtime_param_1: 3            # every other key is a runtime option, handed to every
 *   another_param: luna           # component's preparePipelineDeployment (as with run({ … }))
 */
import { readFile } from "node:fs/promises";
import { NotFoundError, ValidationError } from "../errors.ts";
import { parseYaml } from "../fs/yaml-file.ts";

export interface RunConfig {
  runName?: string;
  enableCache?: boolean;
  parameters?: Record<string, unknown>;
  runtime: Record<string, unknown>;
}

const ALIASES: Record<string, "runName" | "enableCache" | "parameters"> = {
  run_name: "runName",
  runName: "runName",
  enable_cache: "enableCache",
  enableCache: "enableCache",
  parameters: "parameters",
};

export async function readRunConfig(file: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new NotFoundError(`No run configuration file '${file}'.`, { hint: "Pass the path of a YAML file with `parameters:` and runtime options." });
  }
  let doc: unknown;
  try {
    // The shared parser bounds alias expansion (a "billion laughs" file) and names the line.
    doc = await parseYaml(text, file);
  } catch (error) {
    const detail = (error as Error).message
      .replace(/^Malformed YAML in '.*?'/s, "")
      .replace(/^:\s*/, ": ")
      .replace(/\.$/, "");
    throw new ValidationError(`The run configuration '${file}' is not valid YAML${detail}.`, {
      hint: "Fix the YAML syntax.",
    });
  }
  if (doc === null || doc === undefined) return { runtime: {} };
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ValidationError(`The run configuration '${file}' must be a mapping of keys to values.`, {
      hint: "Write e.g. `parameters: { lr: 0.1 }` and runtime options as `key: value` lines.",
    });
  }
  const config: RunConfig = { runtime: {} };
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const known = ALIASES[key];
    if (known === "runName") {
      if (typeof value !== "string" || value === "") throw invalid(file, key, "a non-empty string");
      config.runName = value;
    } else if (known === "enableCache") {
      if (typeof value !== "boolean") throw invalid(file, key, "true or false");
      config.enableCache = value;
    } else if (known === "parameters") {
      if (value === null) continue;
      if (typeof value !== "object" || Array.isArray(value)) throw invalid(file, key, "a mapping of parameter names to values");
      config.parameters = value as Record<string, unknown>;
    } else {
      config.runtime[key] = value;
    }
  }
  return config;
}

function invalid(file: string, key: string, expected: string): ValidationError {
  return new ValidationError(`'${key}' in the run configuration '${file}' must be ${expected}.`, {
    hint: "Keys: run_name, enable_cache, parameters; any other key is a runtime option.",
  });
}
