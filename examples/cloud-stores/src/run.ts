/**
 * Runs the quickstart pipeline on a stack whose artifacts live in S3 or GCS (the active stack, or
 * `--stack <name>`), then reads the model back through the post-execution API. The stacks are set
 * up with the `zen` CLI; README.md shows how, against local test servers or real buckets.
 */
import { PipelineRepository, isZenError } from "@zen/core";
import { evaluate, quickstart, report, train } from "zen-quickstart/src/pipeline.ts";

function parseArguments(argv: string[]): { stack: string | undefined; enableCache: boolean } {
  let stack: string | undefined;
  let enableCache = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    else if (arg === "--no-cache") enableCache = false;
    else if (arg === "--stack" && argv[i + 1]) stack = argv[++i];
    else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
    else throw new Error(`Unknown argument '${arg}': use --stack <name> and --no-cache.`);
  }
  return { stack, enableCache };
}

async function main(): Promise<void> {
  const { stack, enableCache } = parseArguments(process.argv.slice(2));
  const run = await quickstart.run({ enableCache, ...(stack ? { stack } : {}) });
  const metrics = await run.getStep(evaluate).output.read();

  console.log("");
  console.log(`Run '${run.name}' on stack '${run.stack.name}': accuracy ${(metrics.accuracy * 100).toFixed(1)} % on ${metrics.samples} held-out samples.`);
  console.log("Its artifacts are objects in the bucket (<store path>/<pipeline>/<step>/<output>/<artifact id>/):");
  console.log(`  model:  ${run.getStep(train).output.uri}`);
  console.log(`  report: ${run.getStep(report).output.uri}`);

  // Read back through the post-execution API, as any later process can.
  const repository = await PipelineRepository.open(stack ? { stack } : {});
  const latest = await repository.getRun(run.name);
  const model = await latest.getStep(train).output.read();
  console.log(`Read back: a model of ${model.classes.length} classes over ${model.featureNames.length} features.`);
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
