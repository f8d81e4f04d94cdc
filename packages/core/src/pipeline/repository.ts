/**
 * The post-execution API: pipelines → runs → steps → artifacts, read from a stack's metadata store,
 * with `artifact.read()` through its artifact store. Works after the process that ran the pipeline
 * has exited. Steps looked up by their definition (`run.getStep(train)`) have typed outputs.
 */
import type { BaseArtifactStore } from "../components/artifact-store.ts";
import type { BaseMetadataStore } from "../components/metadata-store.ts";
import { NotFoundError, ZenError } from "../errors.ts";
import type { LoadedStack } from "../stack.ts";
import type { ZenOptions } from "../config/settings.ts";
import { findMaterializer } from "./materializers.ts";
import type { ArtifactRecord, PipelineRecord, RunQuery, RunRecord, RunStackInfo, RunStatus, StepRecord, StepStatus } from "../components/run-records.ts";
import { resolveStack } from "./resolve-stack.ts";
import type { StepInfo } from "./step.ts";
import { readArtifactWith } from "./step-runner.ts";
import { readStepLogs, type StepLogsSource } from "./step-logs.ts";

export interface RepositorySources {
  metadataStore: BaseMetadataStore;
  /** Needed to read artifacts; without it `read()` throws. */
  artifactStore?: BaseArtifactStore | undefined;
}

/** The output values of a step definition, by output name. */
export type StepOutputsOf<S> =
  S extends StepInfo<any, infer O, any, infer K>
    ? [K] extends [never]
      ? { output: O }
      : { [P in K]: P extends keyof O ? O[P] : never }
    : Record<string, unknown>;

export class ArtifactView<T = unknown> {
  readonly id: string;
  readonly name: string;
  readonly uri: string;
  readonly materializer: string;
  readonly dataType: string;
  readonly contentHash: string;
  readonly producerStepId: string;
  readonly artifactStoreId: string;
  readonly createdAt: string;
  readonly #sources: RepositorySources;

  constructor(record: ArtifactRecord, sources: RepositorySources) {
    this.id = record.id;
    this.name = record.name;
    this.uri = record.uri;
    this.materializer = record.materializer;
    this.dataType = record.dataType;
    this.contentHash = record.contentHash;
    this.producerStepId = record.producerStepId;
    this.artifactStoreId = record.artifactStoreId;
    this.createdAt = record.createdAt;
    this.#sources = sources;
  }

  /** Loads the value with the materializer that wrote it (register custom materializers first). */
  async read(): Promise<T> {
    const store = this.#sources.artifactStore;
    if (!store) {
      throw new ZenError(`Cannot read artifact '${this.name}' (${this.id}): no artifact store was given to the repository.`, {
        hint: "Open the repository from a stack: PipelineRepository.open() or PipelineRepository.forStack(stack).",
      });
    }
    if (!store.supportedSchemes.some((scheme) => this.uri.startsWith(scheme))) {
      throw new ZenError(`Artifact '${this.name}' is stored at '${this.uri}', which artifact store '${store.name}' cannot read.`, {
        hint: "Open the repository on the stack whose artifact store wrote the run.",
      });
    }
    return (await readArtifactWith(store, this.toRecord(), findMaterializer(this.materializer))) as T;
  }

  toRecord(): ArtifactRecord {
    const { id, name, uri, materializer, dataType, contentHash, producerStepId, artifactStoreId, createdAt } = this;
    return { id, name, uri, materializer, dataType, contentHash, producerStepId, artifactStoreId, createdAt };
  }

  toJSON(): ArtifactRecord {
    return this.toRecord();
  }
}

export class StepView<Outputs extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly runId: string;
  readonly name: string;
  readonly stepName: string;
  readonly status: StepStatus;
  readonly cacheReason: string | undefined;
  readonly cacheKey: string | undefined;
  readonly codeHash: string | undefined;
  readonly parameters: Record<string, unknown>;
  readonly upstream: string[];
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly durationMs: number | undefined;
  readonly error: string | undefined;
  readonly inputs: Record<string, ArtifactView>;
  readonly outputs: { [K in keyof Outputs]: ArtifactView<Outputs[K]> };
  readonly #logs: StepLogsSource | undefined;

  constructor(record: StepRecord, inputs: Record<string, ArtifactView>, outputs: Record<string, ArtifactView>, logs?: StepLogsSource) {
    this.id = record.id;
    this.runId = record.runId;
    this.name = record.name;
    this.stepName = record.stepName;
    this.status = record.status;
    this.cacheReason = record.cacheReason;
    this.cacheKey = record.cacheKey;
    this.codeHash = record.codeHash;
    this.parameters = record.parameters;
    this.upstream = record.upstream;
    this.startedAt = record.startedAt;
    this.endedAt = record.endedAt;
    this.durationMs = record.durationMs;
    this.error = record.error;
    this.inputs = inputs;
    this.outputs = outputs as { [K in keyof Outputs]: ArtifactView<Outputs[K]> };
    this.#logs = logs;
  }

  /**
   * What the step printed while it ran (stdout, stderr, `console.*`), read from the artifact store; a
   * running step's log so far. A NotFoundError (code `ZEN_NO_STEP_LOGS`) says why a step has none.
   */
  logs(): Promise<string> {
    return readStepLogs(this, this.#logs ?? { store: undefined, pipelineName: "", runName: this.runId, runArtifactStore: undefined });
  }

  /** Reused from an earlier run instead of executed. */
  get cached(): boolean {
    return this.status === "cached";
  }

  /** The step's only output. */
  get output(): ArtifactView<Outputs[keyof Outputs]> {
    const all = Object.values(this.outputs) as ArtifactView<Outputs[keyof Outputs]>[];
    if (all.length !== 1) {
      throw new ZenError(`Step '${this.name}' has ${all.length} outputs, not one.`, {
        hint: all.length === 0 ? "The step returned nothing, failed or did not run." : `Use step.outputs.${Object.keys(this.outputs)[0]}.`,
      });
    }
    return all[0]!;
  }

  toJSON() {
    const { id, name, stepName, status, cacheReason, codeHash, parameters, upstream, startedAt, endedAt, durationMs, error } = this;
    return {
      id,
      name,
      stepName,
      status,
      cached: this.cached,
      cacheReason,
      codeHash,
      parameters,
      upstream,
      startedAt,
      endedAt,
      durationMs,
      error,
      inputs: Object.fromEntries(Object.entries(this.inputs).map(([k, a]) => [k, a.toJSON()])),
      outputs: Object.fromEntries(Object.entries(this.outputs).map(([k, a]) => [k, (a as ArtifactView).toJSON()])),
    };
  }
}

export class PipelineRunView {
  readonly id: string;
  readonly name: string;
  readonly pipelineName: string;
  readonly status: RunStatus;
  readonly stack: RunStackInfo;
  readonly runtimeConfiguration: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly enableCache: boolean;
  readonly startedAt: string;
  readonly endedAt: string | undefined;
  readonly durationMs: number | undefined;
  readonly error: string | undefined;
  readonly zenVersion: string;
  /** Pages of this run in the stack's services, by component type (e.g. `experiment_tracker`: its MLflow run). */
  readonly links: Readonly<Record<string, string>>;
  /** In the order the pipeline declared them (a topological order). */
  readonly steps: StepView[];

  constructor(record: RunRecord, steps: StepView[]) {
    this.id = record.id;
    this.name = record.name;
    this.pipelineName = record.pipelineName;
    this.status = record.status;
    this.stack = record.stack;
    this.runtimeConfiguration = record.runtimeConfiguration;
    this.parameters = record.parameters;
    this.enableCache = record.enableCache;
    this.startedAt = record.startedAt;
    this.endedAt = record.endedAt;
    this.durationMs = record.durationMs;
    this.error = record.error;
    this.zenVersion = record.zenVersion;
    this.links = record.links ?? {};
    this.steps = steps;
  }

  /** A step by its name in the pipeline, or by its definition (typed outputs; the first use of it). */
  getStep<S extends StepInfo>(step: S): StepView<StepOutputsOf<S>>;
  getStep(name: string): StepView;
  getStep(step: string | StepInfo): StepView {
    const found = typeof step === "string" ? this.steps.find((s) => s.name === step) : this.steps.find((s) => s.stepName === step.stepName);
    if (!found) {
      const wanted = typeof step === "string" ? step : step.stepName;
      throw new NotFoundError(`Run '${this.name}' has no step '${wanted}'.`, {
        hint: `Its steps are: ${this.steps.map((s) => s.name).join(", ")}.`,
      });
    }
    return found;
  }

  toJSON() {
    const { id, name, pipelineName, status, stack, runtimeConfiguration, parameters, enableCache, startedAt, endedAt, durationMs, error, zenVersion } = this;
    return {
      id,
      name,
      pipelineName,
      status,
      stack,
      runtimeConfiguration,
      parameters,
      enableCache,
      startedAt,
      endedAt,
      durationMs,
      error,
      zenVersion,
      ...(Object.keys(this.links).length > 0 ? { links: this.links } : {}),
      steps: this.steps.map((s) => s.toJSON()),
    };
  }
}

export class PipelineView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly runCount: number;
  readonly lastRunAt: string | undefined;
  readonly #repository: PipelineRepository;

  constructor(record: PipelineRecord, repository: PipelineRepository) {
    this.id = record.id;
    this.name = record.name;
    this.createdAt = record.createdAt;
    this.runCount = record.runCount;
    this.lastRunAt = record.lastRunAt;
    this.#repository = repository;
  }

  /** All runs, newest first: `await pipeline.runs`. */
  get runs(): Promise<PipelineRunView[]> {
    return this.getRuns();
  }

  getRuns(query: Omit<RunQuery, "pipelineName"> = {}): Promise<PipelineRunView[]> {
    return this.#repository.getRuns({ ...query, pipelineName: this.name });
  }

  latestRun(): Promise<PipelineRunView | undefined> {
    return this.#repository.latestRun(this.name);
  }

  async getRun(name: string): Promise<PipelineRunView> {
    const run = await this.#repository.getRun(name);
    if (run.pipelineName !== this.name) {
      throw new NotFoundError(`Pipeline '${this.name}' has no run '${name}' (it is a run of '${run.pipelineName}').`);
    }
    return run;
  }

  toJSON(): PipelineRecord {
    return { id: this.id, name: this.name, createdAt: this.createdAt, runCount: this.runCount, lastRunAt: this.lastRunAt };
  }
}

export class PipelineRepository {
  readonly metadataStore: BaseMetadataStore;
  readonly artifactStore: BaseArtifactStore | undefined;

  constructor(sources: RepositorySources) {
    this.metadataStore = sources.metadataStore;
    this.artifactStore = sources.artifactStore;
  }

  static forStack(stack: LoadedStack): PipelineRepository {
    return new PipelineRepository({ metadataStore: stack.metadataStore, artifactStore: stack.artifactStore });
  }

  /** The repository of a stack: the one given, or the active stack. */
  static async open(options: { stack?: string | LoadedStack; zen?: ZenOptions } = {}): Promise<PipelineRepository> {
    return PipelineRepository.forStack(await resolveStack(options.stack, options.zen));
  }

  async getPipelines(): Promise<PipelineView[]> {
    return (await this.metadataStore.listPipelines()).map((record) => new PipelineView(record, this));
  }

  async getPipeline(pipeline: string | { name: string }): Promise<PipelineView> {
    const name = typeof pipeline === "string" ? pipeline : pipeline.name;
    const record = await this.metadataStore.getPipeline(name);
    if (!record) {
      const known = (await this.metadataStore.listPipelines()).map((p) => p.name);
      throw new NotFoundError(`No pipeline '${name}' has run on this stack.`, {
        hint: known.length > 0 ? `Pipelines with runs: ${known.join(", ")}.` : "Run a pipeline first, e.g. `zen pipeline run pipeline.ts`.",
      });
    }
    return new PipelineView(record, this);
  }

  /** A run by name or id. */
  async getRun(nameOrId: string): Promise<PipelineRunView> {
    const record = await this.metadataStore.getRun(nameOrId);
    if (!record) {
      throw new NotFoundError(`No pipeline run '${nameOrId}' found.`, { hint: "List the runs with `zen pipeline runs list`." });
    }
    return (await this.loadRuns([record]))[0]!;
  }

  /** Newest first. */
  async getRuns(query: RunQuery = {}): Promise<PipelineRunView[]> {
    return this.loadRuns(await this.metadataStore.listRuns(query));
  }

  async latestRun(pipelineName?: string): Promise<PipelineRunView | undefined> {
    const [record] = await this.metadataStore.listRuns({ pipelineName, limit: 1 });
    return record ? (await this.loadRuns([record]))[0] : undefined;
  }

  async getArtifact(id: string): Promise<ArtifactView> {
    const [record] = await this.metadataStore.getArtifacts([id]);
    if (!record) throw new NotFoundError(`No artifact '${id}' found.`);
    return new ArtifactView(record, this);
  }

  private async loadRuns(records: RunRecord[]): Promise<PipelineRunView[]> {
    if (records.length === 0) return [];
    const steps = await this.metadataStore.listSteps(records.map((r) => r.id));
    const links = await this.metadataStore.listStepLinks(steps.map((s) => s.id));
    const artifactIds = [...new Set([...links.inputs, ...links.outputs].map((l) => l.artifactId))];
    const artifacts = new Map((await this.metadataStore.getArtifacts(artifactIds)).map((a) => [a.id, new ArtifactView(a, this)]));
    const group = (list: typeof links.inputs) => {
      const byStep = new Map<string, Record<string, ArtifactView>>();
      for (const link of list) {
        const artifact = artifacts.get(link.artifactId);
        if (!artifact) continue;
        let entry = byStep.get(link.stepId);
        if (!entry) byStep.set(link.stepId, (entry = {}));
        entry[link.name] = artifact;
      }
      return byStep;
    };
    const inputs = group(links.inputs);
    const outputs = group(links.outputs);
    const stepsByRun = new Map<string, StepView[]>();
    const runs = new Map(records.map((r) => [r.id, r]));
    for (const step of steps) {
      let list = stepsByRun.get(step.runId);
      if (!list) stepsByRun.set(step.runId, (list = []));
      const run = runs.get(step.runId);
      const logs: StepLogsSource = {
        store: this.artifactStore,
        pipelineName: run?.pipelineName ?? "",
        runName: run?.name ?? step.runId,
        runArtifactStore: run?.stack.components.artifact_store?.name,
      };
      list.push(new StepView(step, inputs.get(step.id) ?? {}, outputs.get(step.id) ?? {}, logs));
    }
    return records.map((record) => new PipelineRunView(record, stepsByRun.get(record.id) ?? []));
  }
}
