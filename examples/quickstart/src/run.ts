/**
 * Runs the quickstart pipeline on the active zen stack (the default one on a fresh machine) and says
 * where its outputs went. Parameters as `key=value` arguments: `pnpm start -- learningRate=0.1`;
 * `--no-cache` runs every step again.
 */
import path from "node:path";
import { PipelineRepository, isZenError } from "@zen/core";
import { evaluate, quickstart, report, train } from "./pipeline.ts";

function parseArguments(argv: string[]): { parameters: Record<string, number>; enableCache: boolean } {
  const parameters: Record<string, number> = {};
  let enableCache = true;
  for (const arg of argv) {
    if (arg === "--") continue;
    if (arg === "--no-cache") {
      enableCache = false;
      continue;
    }
    const match = /^([A-Za-z]\w*)=(.+)$/.exec(arg);
    if (!match) throw new Error(`Unknown argument '${arg}': pass parameters as key=value (e.g. learningRate=0.1) or --no-cache.`);
    parameters[match[1]!] = Number(match[2]);
  }
  return { parameters, enableCache };
}

async function main(): Promise<void> {
  const { parameters, enableCache } = parseArguments(process.argv.slice(2));
  const run = await quickstart.run({ parameters, enableCache });

  const metrics = await run.getStep(evaluate).output.read();
  const executed = run.steps.filter((s) => s.status === "completed").map((s) => s.name);
  const cached = run.steps.filter((s) => s.cached).map((s) => s.name);
  const modelUri = run.getStep(train).output.uri;
  // Artifacts live under <artifact store>/<pipeline>/<step>/<output>/<id>.
  const artifactRoot = path.resolve(modelUri, "../../../..");

  console.log("");
  console.log(
    `Accuracy on the held-out test set: ${(metrics.accuracy * 100).toFixed(1)} % (${metrics.samples} samples, log loss ${metrics.logLoss.toFixed(3)})`,
  );
  console.log(`Steps executed: ${executed.join(", ") || "none"}; reused from the cache: ${cached.join(", ") || "none"}.`);
  console.log("");
  console.log(`Run '${run.name}' on stack '${run.stack.name}'. Its outputs went to the artifact store:`);
  console.log(`  ${artifactRoot}`);
  console.log(`  model:  ${modelUri}`);
  console.log(`  report: ${run.getStep(report).output.uri}`);
  console.log("");
  console.log("Inspect it:");
  console.log(`  zen pipeline runs describe ${run.name}`);
  console.log("  zen pipeline runs list --pipeline quickstart");
  console.log("or from TypeScript: (await PipelineRepository.open()).getRun(name)");

  // The same run, read back through the post-execution API.
  const repository = await PipelineRepository.open();
  const latest = await (await repository.getPipeline(quickstart)).latestRun();
  if (latest?.id !== run.id) throw new Error("The run was not recorded in the metadata store.");
}

main().catch((error: unknown) => {
  if (isZenError(error)) {
    console.error(`Error: ${error.message}`);
    if (error.hint) console.error(error.hint);
    process.exitCode = error.exitCode;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
