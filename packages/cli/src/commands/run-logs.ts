/**
 * `zen pipeline runs logs RUN [STEP]`: what a run's steps printed, read from the artifact store through
 * `PipelineRepository`. One step: its log as it was printed. No step: every step in the pipeline's
 * order under a header, saying why a step has none (cached, skipped). The command is defined in
 * groups/pipeline.ts; this module loads when it runs.
 */
import type { StepView } from "@zen/core";
import type { Invocation } from "../command-line/spec.ts";
import { colors } from "../colors.ts";
import { stdout } from "../stdio.ts";

interface StepLogs {
  step: string;
  status: string;
  logs: string | null;
  /** Why there are none, when `logs` is null. */
  reason?: string;
}

export async function runLogs(command: Invocation): Promise<void> {
  const [{ openZen, outputFormat }, { printDocument, OUTPUT_FORMAT_VERSION }, { PipelineRepository }] = await Promise.all([
    import("./common.ts"),
    import("../output.ts"),
    import("@zen/core"),
  ]);
  const [runName, stepName] = command.args as [string, string | undefined];
  const format = outputFormat(command);
  const repository = PipelineRepository.forStack(await (await openZen(command)).loadStack());
  const run = await repository.getRun(runName);

  if (stepName !== undefined) {
    const step = run.getStep(stepName);
    const logs = await step.logs();
    if (format !== "table") {
      const item = { run: run.name, pipeline: run.pipelineName, step: step.name, status: step.status, logs };
      await printDocument(format, { kind: "pipeline_step_logs", formatVersion: OUTPUT_FORMAT_VERSION, item });
      return;
    }
    stdout.write(logs);
    return;
  }

  const steps = await Promise.all(run.steps.map(logsOf));
  if (format !== "table") {
    const item = { run: run.name, pipeline: run.pipelineName, status: run.status, steps };
    await printDocument(format, { kind: "pipeline_run_logs", formatVersion: OUTPUT_FORMAT_VERSION, item });
    return;
  }
  const parts = steps.map((entry) => {
    const header = colors.bold(`==> ${entry.step} (${entry.status}) <==`);
    if (entry.logs === null) return `${header}\n${colors.dim(`(no logs: ${entry.reason})`)}\n`;
    if (entry.logs === "") return `${header}\n${colors.dim("(printed nothing)")}\n`;
    return `${header}\n${entry.logs}${entry.logs.endsWith("\n") ? "" : "\n"}`;
  });
  stdout.write(parts.join("\n"));
}

/** A step's log, or why it has none (a missing log is a fact here, not an error). */
async function logsOf(step: StepView): Promise<StepLogs> {
  try {
    return { step: step.name, status: step.status, logs: await step.logs() };
  } catch (error) {
    const { code, reason } = error as { code?: unknown; reason?: unknown };
    if (code !== "ZEN_NO_STEP_LOGS" || typeof reason !== "string") throw error;
    return { step: step.name, status: step.status, logs: null, reason };
  }
}
