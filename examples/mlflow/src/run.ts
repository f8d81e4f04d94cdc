/**
 * Runs the tracked quickstart on the active stack (or `--stack <name>`) and prints where MLflow
 * shows it: the MLflow run's URL, kept with the run's record. With a model deployer on
 * the stack, the model is deployed too, and a `curl` to its prediction URL is printed.
 */
import { Zen, isZenError } from "@zen/core";
import { deploy, deployedQuickstart, evaluate, train, trackedQuickstart } from "./pipeline.ts";

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const stackName = args[0] === "--stack" ? args[1] : args[0]?.startsWith("--stack=") ? args[0].slice(8) : undefined;
  if (args.length > 0 && !stackName) throw new Error(`Unknown arguments '${args.join(" ")}': use --stack <name>.`);
  const stack = await (await Zen.open()).loadStack(stackName);
  // With a model deployer on the stack, the trained model is deployed too.
  const deploying = stack.components.model_deployer !== undefined;
  const run = await (deploying ? deployedQuickstart : trackedQuickstart).run({ stack, enableCache: false });
  const metrics = await run.getStep(evaluate).output.read();
  console.log(`Run '${run.name}' on stack '${run.stack.name}': accuracy ${(metrics.accuracy * 100).toFixed(1)} %.`);
  // The tracker's page of the run is kept with the run's record (no request to MLflow).
  const url = run.links.experiment_tracker;
  console.log(url ? `MLflow run: ${url}` : "The stack has no experiment tracker: nothing was logged to MLflow.");
  console.log(`Inspect it: zen pipeline runs describe ${run.name}`);
  if (deploying) {
    const deployed = await run.getStep(deploy).output.read();
    const model = await run.getStep(train).output.read();
    const body = JSON.stringify({ dataframe_split: { columns: model.featureNames, data: [[5.1, 3.5, 1.4, 0.2]] } });
    console.log(`Model '${deployed.model}' version ${deployed.version} is served by '${deployed.service}' (zen model-deployer models list):`);
    console.log(`curl -s -X POST ${deployed.predictionUrl} -H 'Content-Type: application/json' -d '${body}'`);
  }
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
