/** `zen pipeline …`: run a pipeline file on a stack, list pipelines and runs, describe a run. */
import { handlers, OUTPUT } from "../command-line/define.ts";
import type { CommandSpec } from "../command-line/spec.ts";

/** `zen step run …` (hidden): the step entrypoint a remote orchestrator's containers run. */
export function stepCommands(): CommandSpec {
  const handler = handlers(() => import("../commands/step.ts"));
  return {
    name: "step",
    description: "run one step of a recorded run (the entrypoint of remote orchestrators)",
    hidden: true,
    subcommands: () => [
      {
        name: "run",
        description: "run one step of a run that a remote orchestrator started",
        hidden: true,
        options: [
          { long: "pipeline", value: "<file>", required: true, description: "module exporting the pipeline (FILE.ts or FILE.ts#exportName)" },
          { long: "step", value: "<name>", required: true, description: "the step's name in the pipeline" },
          { long: "run-id", value: "<id>", required: true, description: "the run's id, as the orchestrator received it" },
          { long: "kfp-job", value: "<name>", description: "the Kubeflow job running the step (shown in errors)" },
          {
            long: "schedule-run",
            value: "<id>",
            description: "the run of the schedule this trigger belongs to: --run-id then names the trigger's own run, created on its first step",
          },
        ],
        run: handler("runStep"),
      },
    ],
  };
}

/** `zen dashboard`: the web app of the optional @zen/dashboard package (handler in commands/dashboard.ts). */
export function dashboardCommand(): CommandSpec {
  return {
    name: "dashboard",
    description: "serve a read-only web app of the stacks, flavors, pipelines and runs (needs @zen/dashboard)",
    options: [
      { long: "port", value: "<n>", description: "port to listen on (0: any free port)", default: "8237" },
      { long: "host", value: "<address>", description: "address to bind (default 127.0.0.1; any other requires the printed token)" },
      { long: "open", description: "open the dashboard in the default browser" },
    ],
    run: handlers(() => import("../commands/dashboard.ts"))("dashboard"),
  };
}

export function pipelineCommands(): CommandSpec {
  const handler = handlers(() => import("../commands/pipeline.ts"));
  return {
    name: "pipeline",
    description: "run pipelines on a stack and inspect their runs",
    subcommands: () => [
      {
        name: "run",
        description: "run the pipeline a module exports (FILE.ts or FILE.ts#exportName) on the active stack",
        arguments: [{ name: "file", required: true, description: "module exporting the pipeline (default export, or its only exported pipeline)" }],
        options: [
          { long: "stack", value: "<name>", description: "run on this stack instead of the active one" },
          { long: "run-name", value: "<name>", description: "name of the run (unique; default: <pipeline>-<date>-<time>-<random>)" },
          { long: "no-cache", description: "run every step, reusing nothing from earlier runs" },
          { long: "config", value: "<file>", description: "YAML file with `parameters:` and runtime options (run_name, enable_cache too)" },
          {
            long: "dry-run",
            description: "write what a remote orchestrator would submit (e.g. the compiled spec, the image plan); run, push and send nothing",
          },
          { long: "out", value: "<dir>", description: "with --dry-run: the directory to write to (default: the current one)" },
          {
            long: "schedule",
            value: "<cron>",
            description: 'run on this cron schedule (e.g. "30 2 * * *") instead of now; needs an orchestrator that schedules (e.g. kubeflow)',
          },
        ],
        run: handler("run"),
      },
      { name: "list", description: "list the pipelines that ran on the active stack", options: [OUTPUT], run: handler("listPipelines") },
      {
        name: "runs",
        description: "the runs of pipelines on the active stack",
        subcommands: () => [
          {
            name: "list",
            description: "list runs, newest first",
            options: [
              OUTPUT,
              { long: "pipeline", value: "<name>", description: "only the runs of this pipeline" },
              { long: "limit", value: "<n>", description: "show at most this many runs", default: "50" },
            ],
            run: handler("listRuns"),
          },
          {
            name: "describe",
            description: "show a run's steps: status, cache decision and why, outputs (default: the latest run)",
            arguments: [{ name: "run", description: "run name or id" }],
            options: [OUTPUT],
            run: handler("describeRun"),
          },
          {
            name: "logs",
            description: "show what a run's steps printed (stdout, stderr, console), kept in the artifact store",
            arguments: [
              { name: "run", required: true, description: "run name or id" },
              { name: "step", description: "only this step's log, as printed (default: every step, under a header each)" },
            ],
            options: [OUTPUT],
            run: handlers(() => import("../commands/run-logs.ts"))("runLogs"),
          },
        ],
      },
    ],
  };
}
