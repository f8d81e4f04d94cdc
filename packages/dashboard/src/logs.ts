/**
 * A step's log for the run page: what the step printed, read through the repository from the artifact
 * store the run used (`StepView.logs()`), or why it has none (cached, skipped). Only the end of a very
 * long log is sent: the page shows it in a scrolling box.
 */
import type { PipelineRepository } from "@zen/core";

/** The most characters of a log sent to the page (its end). */
export const MAX_LOG_CHARS = 1024 * 1024;

export interface StepLogsBody {
  step: string;
  status: string;
  /** The log (its last MAX_LOG_CHARS characters), or null with `reason`. */
  logs: string | null;
  /** Characters left out at the start. */
  omitted: number;
  reason?: string;
}

export async function stepLogs(repository: PipelineRepository, runNameOrId: string, stepName: string): Promise<StepLogsBody> {
  const step = (await repository.getRun(runNameOrId)).getStep(stepName);
  let logs: string;
  try {
    logs = await step.logs();
  } catch (error) {
    const { code, reason } = error as { code?: unknown; reason?: unknown };
    if (code !== "ZEN_NO_STEP_LOGS" || typeof reason !== "string") throw error;
    return { step: step.name, status: step.status, logs: null, omitted: 0, reason };
  }
  const omitted = Math.max(logs.length - MAX_LOG_CHARS, 0);
  return { step: step.name, status: step.status, logs: omitted > 0 ? logs.slice(omitted) : logs, omitted };
}
