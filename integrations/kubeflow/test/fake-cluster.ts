/**
 * A test engine playing the cluster for the KFP API fake: it runs each task of an uploaded package in
 * dependency order through the step entrypoint (`runStepOfRun`), with the arguments the spec gives it
 * (placeholders resolved as KFP does), and answers the KFP state the run ends in.
 */
import { runStepOfRun, type LoadedStack } from "@zen/core";

type Runnable = Parameters<typeof runStepOfRun>[0]["pipeline"];

type Json = Record<string, any>;

/** The spec and its platform section out of a pipeline package (JSON documents, `#` comment lines). */
export function packageSpec(packageText: string): Json {
  return JSON.parse(packageText.replace(/^#.*\n/gm, "").split("\n---\n")[0]!) as Json;
}

export async function engine(pipeline: Runnable, stack: LoadedStack, run: Json, packageText: string): Promise<string> {
  const spec = packageSpec(packageText);
  const tasks = spec.root.dag.tasks as Record<string, Json>;
  const done = new Map<string, boolean>();
  const order = Object.keys(tasks);
  while (done.size < order.length) {
    for (const name of order) {
      if (done.has(name) || !(tasks[name]!.dependentTasks ?? []).every((d: string) => done.has(d))) continue;
      if ((tasks[name]!.dependentTasks ?? []).some((d: string) => !done.get(d))) {
        done.set(name, false);
        continue;
      }
      const executor = spec.components[tasks[name]!.componentRef.name].executorLabel as string;
      const args = (spec.deploymentSpec.executors[executor].container.args as string[]).map((a) =>
        a
          .replace(/\{\{\$\.inputs\.parameters\['(\w+)'\]\}\}/g, (_m, key: string) => String(run.runtime_config.parameters[key]))
          .replace("{{$.pipeline_job_name}}", run.display_name)
          .replace("{{$.pipeline_job_uuid}}", run.run_id),
      );
      const arg = (flag: string) => args[args.indexOf(flag) + 1]!;
      const scheduleRunId = args.includes("--schedule-run") ? arg("--schedule-run") : undefined;
      const outcome = await runStepOfRun({ pipeline, runId: arg("--run-id"), step: arg("--step"), stack, scheduleRunId });
      done.set(name, outcome.status === "completed" || outcome.status === "cached");
    }
  }
  return [...done.values()].every(Boolean) ? "SUCCEEDED" : "FAILED";
}
