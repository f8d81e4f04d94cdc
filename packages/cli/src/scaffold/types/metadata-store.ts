/** Metadata store: a working one that keeps its records in memory, structured like database tables. */
import type { TypeTemplate } from "../type-template.ts";

export const metadataStoreTemplate: TypeTemplate = {
  description: () => "Records pipelines, runs, steps and artifacts in a database",
  usesSecretField: true,
  configFields: (n) => `    uri: z.string().min(1).meta({ description: "Where the database is, e.g. ${n.flavor}://db.example.com/zen" }),
    username: z.string().min(1).optional().meta({ description: "Database user" }),
    // A secret field only accepts a reference like {{my_secret.password}}, resolved through the stack's
    // secrets manager when the store is used: the value is never stored or shown.
    password: secretField("Password of the database user").optional(),`,
  exampleConfig: (n) => ({ uri: `${n.flavor}://db.example.com/zen`, username: "zen" }),
  invalidConfigs: () => [{ uri: "" }, {}, { uri: "x://y", password: "a-literal-password" }],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` keeps its records in memory, in one map per table
(pipelines, runs, steps, artifacts, step inputs and outputs), so it works — and passes the
conformance suite — before you change anything, but forgets everything when the process ends.
Replace the tables with your database, keeping what the suite checks: unique run names (a
\`ConflictError\`), a step completed at most once, \`finishRun\` settling unfinished steps, newest-first
listings, and cache lookups by key and artifact store.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` metadata store. This skeleton keeps its records in memory, one map per table, so it
 * works before you change anything (and forgets everything when the process ends). Replace the
 * tables with your database, keeping the contract of BaseMetadataStore in @zen/core.
 */
import { randomUUID } from "node:crypto";
import {
  BaseMetadataStore,
  ConflictError,
  type ArtifactRecord,
  type NewRunRecord,
  type PipelineRecord,
  type RunCompletion,
  type RunQuery,
  type RunRecord,
  type StepArtifactLink,
  type StepCompletion,
  type StepExecution,
  type StepRecord,
} from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

interface Tables {
  pipelines: Map<string, { id: string; name: string; createdAt: string }>;
  /** In insertion order: the newest run is the last one. */
  runs: Map<string, RunRecord>;
  steps: Map<string, StepRecord>;
  artifacts: Map<string, ArtifactRecord>;
  inputs: StepArtifactLink[];
  outputs: StepArtifactLink[];
}

const copy = <T>(value: T): T => structuredClone(value);

export class ${n.className} extends BaseMetadataStore<${n.configType}> {
  readonly #tables: Tables = { pipelines: new Map(), runs: new Map(), steps: new Map(), artifacts: new Map(), inputs: [], outputs: [] };

  // ── recording a run ────────────────────────────────────────────────────────
  async createRun(run: NewRunRecord): Promise<RunRecord> {
    const t = this.#tables;
    if ([...t.runs.values()].some((r) => r.name === run.name)) {
      throw new ConflictError(\`Pipeline run with name '\${run.name}' already exists.\`, {
        hint: "Run names are unique across all pipelines: choose another run name.",
      });
    }
    let pipeline = [...t.pipelines.values()].find((p) => p.name === run.pipelineName);
    if (!pipeline) {
      pipeline = { id: randomUUID(), name: run.pipelineName, createdAt: run.startedAt };
      t.pipelines.set(pipeline.id, pipeline);
    }
    const record: RunRecord = {
      id: run.id,
      name: run.name,
      pipelineId: pipeline.id,
      pipelineName: run.pipelineName,
      status: "running",
      stack: copy(run.stack),
      runtimeConfiguration: copy(run.runtimeConfiguration),
      parameters: copy(run.parameters),
      enableCache: run.enableCache,
      startedAt: run.startedAt,
      endedAt: undefined,
      durationMs: undefined,
      error: undefined,
      zenVersion: run.zenVersion,
    };
    t.runs.set(run.id, record);
    for (const step of run.steps) {
      t.steps.set(step.id, {
        id: step.id,
        runId: run.id,
        name: step.name,
        stepName: step.stepName,
        status: "pending",
        cacheReason: undefined,
        cacheKey: undefined,
        codeHash: undefined,
        parameters: copy(step.parameters),
        upstream: [...step.upstream],
        startedAt: undefined,
        endedAt: undefined,
        durationMs: undefined,
        error: undefined,
      });
    }
    return copy(record);
  }

  async markStepRunning(stepId: string, startedAt: string): Promise<boolean> {
    const step = this.#tables.steps.get(stepId);
    if (step?.status !== "pending") return false;
    Object.assign(step, { status: "running", startedAt });
    return true;
  }

  async completeStep(c: StepCompletion): Promise<boolean> {
    const t = this.#tables;
    const step = t.steps.get(c.stepId);
    if (step?.status !== "pending" && step?.status !== "running") return false;
    Object.assign(step, {
      status: c.status,
      cacheReason: c.cacheReason,
      cacheKey: c.cacheKey,
      codeHash: c.codeHash,
      startedAt: c.startedAt,
      endedAt: c.endedAt,
      durationMs: c.durationMs,
      error: c.error,
    });
    for (const artifact of c.newArtifacts) t.artifacts.set(artifact.id, copy(artifact));
    for (const link of c.inputs) t.inputs.push({ stepId: c.stepId, name: link.name, artifactId: link.artifactId });
    for (const link of c.outputs) t.outputs.push({ stepId: c.stepId, name: link.name, artifactId: link.artifactId });
    return true;
  }

  async finishRun(runId: string, c: RunCompletion): Promise<void> {
    const run = this.#tables.runs.get(runId);
    if (run) Object.assign(run, { status: c.status, endedAt: c.endedAt, durationMs: c.durationMs, error: c.error });
    for (const step of this.#tables.steps.values()) {
      if (step.runId !== runId) continue;
      if (step.status === "pending") Object.assign(step, { status: c.unfinishedSteps.pending, endedAt: c.endedAt });
      else if (step.status === "running") {
        step.error ??= c.status === "cancelled" ? "cancelled while running" : "the run ended while the step was running";
        Object.assign(step, { status: c.unfinishedSteps.running, endedAt: c.endedAt });
      }
    }
  }

  // ── cache ─────────────────────────────────────────────────────────────────
  async findCachedExecution(q: { pipelineName: string; stepName: string; cacheKey: string; artifactStoreId: string }): Promise<StepExecution | undefined> {
    const found = this.executionsOf(q.pipelineName, q.stepName).find(
      (step) =>
        step.status === "completed" &&
        step.cacheKey === q.cacheKey &&
        this.linksOf(this.#tables.outputs, step.id).every((link) => this.#tables.artifacts.get(link.artifactId)?.artifactStoreId === q.artifactStoreId),
    );
    return found && this.execution(found);
  }

  async latestExecution(q: { pipelineName: string; stepName: string }): Promise<StepExecution | undefined> {
    const found = this.executionsOf(q.pipelineName, q.stepName).find((step) => step.status === "completed" || step.status === "cached");
    return found && this.execution(found);
  }

  /** The steps named \`stepName\` in runs of the pipeline, newest first. */
  private executionsOf(pipelineName: string, stepName: string): StepRecord[] {
    const runs = [...this.#tables.runs.values()].filter((r) => r.pipelineName === pipelineName).reverse();
    const steps = [...this.#tables.steps.values()];
    return runs.flatMap((run) => steps.filter((s) => s.runId === run.id && s.name === stepName));
  }

  private linksOf(links: StepArtifactLink[], stepId: string): StepArtifactLink[] {
    return links.filter((link) => link.stepId === stepId);
  }

  private execution(step: StepRecord): StepExecution {
    const byName = (links: StepArtifactLink[]) =>
      Object.fromEntries(this.linksOf(links, step.id).map((link) => [link.name, copy(this.#tables.artifacts.get(link.artifactId)!)]));
    return {
      step: copy(step),
      runName: this.#tables.runs.get(step.runId)!.name,
      inputs: byName(this.#tables.inputs),
      outputs: byName(this.#tables.outputs),
    };
  }

  // ── post-execution queries ─────────────────────────────────────────────────
  async listPipelines(): Promise<PipelineRecord[]> {
    return [...this.#tables.pipelines.values()].map((p) => this.pipelineRecord(p)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    const found = [...this.#tables.pipelines.values()].find((p) => p.name === name);
    return found && this.pipelineRecord(found);
  }

  private pipelineRecord(p: { id: string; name: string; createdAt: string }): PipelineRecord {
    const runs = [...this.#tables.runs.values()].filter((r) => r.pipelineId === p.id);
    return { id: p.id, name: p.name, createdAt: p.createdAt, runCount: runs.length, lastRunAt: runs.at(-1)?.startedAt };
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    const runs = [...this.#tables.runs.values()].filter((r) => query.pipelineName === undefined || r.pipelineName === query.pipelineName).reverse();
    const offset = query.offset ?? 0;
    return runs.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map(copy);
  }

  async countRuns(pipelineName?: string): Promise<number> {
    return [...this.#tables.runs.values()].filter((r) => pipelineName === undefined || r.pipelineName === pipelineName).length;
  }

  async getRun(nameOrId: string): Promise<RunRecord | undefined> {
    const run = this.#tables.runs.get(nameOrId) ?? [...this.#tables.runs.values()].find((r) => r.name === nameOrId);
    return run && copy(run);
  }

  async listSteps(runIds: readonly string[]): Promise<StepRecord[]> {
    const wanted = new Set(runIds);
    // Map iteration keeps insertion order: the order the pipeline declared its steps.
    return [...this.#tables.steps.values()].filter((s) => wanted.has(s.runId)).map(copy);
  }

  async listStepLinks(stepIds: readonly string[]): Promise<{ inputs: StepArtifactLink[]; outputs: StepArtifactLink[] }> {
    const wanted = new Set(stepIds);
    return {
      inputs: this.#tables.inputs.filter((l) => wanted.has(l.stepId)).map(copy),
      outputs: this.#tables.outputs.filter((l) => wanted.has(l.stepId)).map(copy),
    };
  }

  async getArtifacts(ids: readonly string[]): Promise<ArtifactRecord[]> {
    return ids.flatMap((id) => {
      const artifact = this.#tables.artifacts.get(id);
      return artifact ? [copy(artifact)] : [];
    });
  }

  async listConsumers(artifactId: string): Promise<StepArtifactLink[]> {
    return this.#tables.inputs.filter((l) => l.artifactId === artifactId).map(copy);
  }
}
`,
  test: (n) => ({
    imports: [`import { describeFlavorConformance, describeMetadataStoreConformance } from "@zen/core/testing";`],
    body: `// The behaviour every metadata store owes zen: runs, steps, artifacts and lineage, cache lookups,
// unique run names, settled steps, concurrent updates, and a real pipeline run read back.
describeMetadataStoreConformance("${n.flavor}", async () => ({
  store: new ${n.className}({
    id: "${n.flavor}-conformance",
    name: "${n.flavor}_conformance",
    flavor: "${n.flavor}",
    config: { uri: "${n.flavor}://conformance" },
    configDir: "/nonexistent",
  }),
}));
`,
  }),
};
