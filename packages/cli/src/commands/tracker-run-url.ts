/**
 * The experiment tracker's page of a run, for `zen pipeline runs describe`: the link kept with the
 * run's record when it started (no request), or else asked of the stack's tracker when the run used
 * that same tracker (runs recorded before links were kept). A tracker that cannot answer (server
 * down, slow) costs at most 15 s (a refused connection costs nothing) and yields a note instead of
 * failing the command.
 */
import type { LoadedStack, PipelineRunView } from "@zen/core";

const ASK_TIMEOUT_MS = 15_000;

export async function trackerRunUrl(stack: LoadedStack, run: PipelineRunView): Promise<{ url?: string; problem?: string } | undefined> {
  const kept = run.links?.experiment_tracker;
  if (kept) return { url: kept };
  const used = run.stack.components.experiment_tracker;
  const tracker = stack.components.experiment_tracker as
    | { name: string; runUrl?: (r: { pipelineName: string; runName: string }) => Promise<string | undefined> }
    | undefined;
  if (!used || !tracker || tracker.name !== used.name || typeof tracker.runUrl !== "function") return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await Promise.race([
      tracker.runUrl({ pipelineName: run.pipelineName, runName: run.name }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ASK_TIMEOUT_MS / 1000} s`)), ASK_TIMEOUT_MS))),
    ]);
    return url ? { url } : undefined;
  } catch (error) {
    return { problem: `experiment tracker '${tracker.name}' could not be asked: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
