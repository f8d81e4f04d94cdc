/**
 * Runs the tracked quickstart on the active stack (or `--stack <name>`) and prints where MLflow
 * shows it: the MLflow run's URL, asked of the stack's experiment tracker.
 */
import { Zen, isZenError, type BaseExperimentTracker } from "@zen/core";
import { evaluate, trackedQuickstart } from "./pipeline.ts";

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const stackName = args[0] === "--stack" ? args[1] : args[0]?.startsWith("--stack=") ? args[0].slice(8) : undefined;
  if (args.length > 0 && !stackName) throw new Error(`Unknown arguments '${args.join(" ")}': use --stack <name>.`);
  const stack = await (await Zen.open()).loadStack(stackName);
  const run = await trackedQuickstart.run({ stack, enableCache: false });
  const metrics = await run.getStep(evaluate).output.read();
  console.log(`Run '${run.name}' on stack '${run.stack.name}': accuracy ${(metrics.accuracy * 100).toFixed(1)} %.`);
  const tracker = stack.components.experiment_tracker as BaseExperimentTracker | undefined;
  const url = await tracker?.runUrl({ pipelineName: run.pipelineName, runName: run.name });
  console.log(url ? `MLflow run: ${url}` : "The stack has no experiment tracker: nothing was logged to MLflow.");
  console.log(`Inspect it: zen pipeline runs describe ${run.name}`);
}

main().catch((error: unknown) => {
  if (isZenError(error)) {
    console.error(`Error: ${error.message}`);
    if (error.hint) console.error(error.hint);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
