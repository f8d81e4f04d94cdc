import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { NotFoundError, PipelineRepository, createLocalStack, registerMaterializer, unregisterMaterializer, type LoadedStack } from "../src/index.ts";
import { Matrix, matrixMaterializer } from "./fixtures/pipelines/matrix.ts";
import { FIXTURES, runScript } from "./pipeline-helpers.ts";

const sha = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/** The documented content hash: sha256 over "<relative path>\0<sha256 of file>\n", sorted by path. */
function expectedHash(files: Record<string, Uint8Array | string>): string {
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${name}\0${sha(files[name]!)}\n`)
    .join("");
  return `sha256:${sha(lines)}`;
}

describe("post-execution: reading runs after the process that ran them exited", () => {
  let root: string;
  let stack: LoadedStack;
  let repository: PipelineRepository;

  beforeAll(async () => {
    root = makeTempDir("zen-repo-");
    const result = await runScript(path.join(FIXTURES, "matrix-pipeline.ts"), [root]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    stack = createLocalStack({ root, ids: { artifactStore: "store", metadataStore: "meta" } });
    repository = PipelineRepository.forStack(stack);
  });

  it("lists pipelines, their runs (newest first), steps and outputs", async () => {
    const pipelines = await repository.getPipelines();
    expect(pipelines.map((p) => [p.name, p.runCount])).toEqual([["matrices", 2]]);
    const runs = await (await repository.getPipeline("matrices")).runs;
    expect(runs.map((r) => r.name)).toEqual(["matrices-2", "matrices-1"]);
    expect((await (await repository.getPipeline("matrices")).latestRun())?.name).toBe("matrices-2");
    expect((await repository.getRuns({ pipelineName: "matrices", limit: 1, offset: 1 })).map((r) => r.name)).toEqual(["matrices-1"]);

    const [latest] = runs;
    expect(latest!.steps.map((s) => [s.name, s.status])).toEqual([
      ["make_matrix", "cached"],
      ["plain_copy", "cached"],
      ["summarize", "cached"],
    ]);
    const summarize = latest!.getStep("summarize");
    expect(Object.keys(summarize.outputs).sort()).toEqual(["buffer", "bytes", "stats", "text"]);
    expect(summarize.inputs.input!.id).toBe(latest!.getStep("make_matrix").output.id);
  });

  it("reads every built-in kind of artifact back with its type, and records materializer and content hash", async () => {
    const run = await repository.getRun("matrices-1");
    const outputs = run.getStep("summarize").outputs;
    expect(await outputs.stats!.read()).toEqual({ total: 21.5, shape: [2, 3] });
    expect(await outputs.text!.read()).toBe("matrix 2x3");
    const bytes = await outputs.bytes!.read();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(Array.from(bytes as Uint8Array)).toEqual([7, 8, 9]);
    const buffer = await outputs.buffer!.read();
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect((buffer as Buffer).toString()).toBe("buffered");

    expect([outputs.stats!.materializer, outputs.text!.materializer, outputs.bytes!.materializer]).toEqual(["zen.json", "zen.string", "zen.bytes"]);
    expect(outputs.text!.contentHash).toBe(expectedHash({ "data.txt": "matrix 2x3" }));
    expect(outputs.stats!.contentHash).toBe(expectedHash({ "data.json": JSON.stringify({ total: 21.5, shape: [2, 3] }) }));
    expect(readFileSync(path.join(outputs.text!.uri, "data.txt"), "utf8")).toBe("matrix 2x3");
    expect(outputs.text!.producerStepId).toBe(run.getStep("summarize").id);
  });

  it("reads a user type once its materializer is registered, and says what to do otherwise", async () => {
    const output = (await repository.getRun("matrices-1")).getStep("make_matrix").output;
    expect(output.materializer).toBe("fixtures.matrix");
    expect(output.dataType).toBe("Matrix");
    unregisterMaterializer("fixtures.matrix");
    await expect(output.read()).rejects.toThrow("was written by materializer 'fixtures.matrix', which is not registered in this process.");
    registerMaterializer(matrixMaterializer);
    const matrix = (await output.read()) as Matrix;
    expect(matrix).toBeInstanceOf(Matrix);
    expect([matrix.rows, matrix.cols, matrix.get(1, 2)]).toEqual([2, 3, 6.5]);

    // Streamed through the helpers or written straight to the store: the same files, the same hash.
    const values = Buffer.from(Float64Array.from([1, 2, 3, 4, 5, 6.5]).buffer);
    const expected = expectedHash({ "shape.json": JSON.stringify({ rows: 2, cols: 3 }), "values.f64": values });
    expect(output.contentHash).toBe(expected);
    expect((await repository.getRun("matrices-1")).getStep("plain_copy").output.contentHash).toBe(expected);
  });

  it("records lineage: who produced and who consumed an artifact", async () => {
    const run = await repository.getRun("matrices-1");
    const matrix = run.getStep("make_matrix").output;
    const consumers = await stack.metadataStore.listConsumers(matrix.id);
    const consumerNames = (await stack.metadataStore.listSteps([run.id, (await repository.getRun("matrices-2")).id]))
      .filter((s) => consumers.some((c) => c.stepId === s.id))
      .map((s) => s.name)
      .sort();
    // Both runs' plain_copy and summarize read it (the second run's cached steps reuse the same artifact).
    expect(consumerNames).toEqual(["plain_copy", "plain_copy", "summarize", "summarize"]);
    expect((await repository.getArtifact(matrix.id)).producerStepId).toBe(run.getStep("make_matrix").id);
  });

  it("names what is missing", async () => {
    await expect(repository.getPipeline("nope")).rejects.toThrow(NotFoundError);
    await expect(repository.getPipeline("nope")).rejects.toThrow("No pipeline 'nope' has run on this stack.");
    await expect(repository.getRun("nope")).rejects.toThrow("No pipeline run 'nope' found.");
    const run = await repository.getRun("matrices-1");
    expect(() => run.getStep("nope")).toThrow("Run 'matrices-1' has no step 'nope'.");
    expect(() => run.getStep("summarize").output).toThrow("Step 'summarize' has 4 outputs, not one.");
  });

  it("serialises runs to JSON with steps, cache decisions and artifacts", async () => {
    const json = JSON.parse(JSON.stringify(await repository.getRun("matrices-2"))) as {
      name: string;
      steps: { name: string; cached: boolean; cacheReason: string; outputs: Record<string, { materializer: string }> }[];
    };
    expect(json.name).toBe("matrices-2");
    expect(json.steps[0]).toMatchObject({ name: "make_matrix", cached: true, cacheReason: "unchanged since run 'matrices-1'" });
    expect(json.steps[0]!.outputs.output!.materializer).toBe("fixtures.matrix");
  });
});
