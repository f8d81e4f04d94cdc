/** The files a step logs as artifacts, and where they go under the tracking server's artifact proxy. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ZenError } from "@zen/core/flavor";
import type { MlflowRunRef } from "./run-lookup.ts";

/** The path under the artifact proxy (`<experiment>/<run>/artifacts`) of a run's `mlflow-artifacts:` URI. */
export function artifactRoot(ref: MlflowRunRef, component: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(ref.artifactUri);
  if (!match) {
    throw new ZenError(`The MLflow server of experiment tracker '${component}' stores artifacts at '${ref.artifactUri}' instead of proxying them.`, {
      code: "ZEN_MLFLOW_NO_ARTIFACT_PROXY",
      hint: "Start the tracking server with --serve-artifacts (and --artifacts-destination), so that clients need no storage credentials.",
    });
  }
  return match[1]!.replace(/\/+$/, "");
}

/** Every file under a directory, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
