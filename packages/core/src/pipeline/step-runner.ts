/**
 * Runs one step of a run: decides whether the cache applies (and says why or why not), loads the
 * inputs through their materializers, calls the step between the components' `prepareStepRun` and
 * `cleanupStepRun`, writes the outputs as artifacts and records everything in the metadata store.
 * The core calls this for each step an orchestrator runs, in this process or in a step's own
 * process (`runStepOfRun`); it reports a step's failure instead of throwing.
 */
import { randomUUID } from "node:crypto";
import type { BaseArtifactStore } from "../components/artifact-store.ts";
import type { StepOutcome } from "../components/orchestrator.ts";
import { ZenError } from "../errors.ts";
import type { StackComponent, StepRunInfo } from "../stack-component.ts";
import type { LoadedStack } from "../stack.ts";
import type { PipelineEvent } from "../components/run-events.ts";
import { invokeHook } from "./hook-runner.ts";
import { runStack } from "./resolve-stack.ts";
import { artifactContentHash, cacheKeyOf, canonicalJson, sha256 } from "./hashing.ts";
import { type RecentFiles, createMaterializerContext, findMaterializer, selectMaterializer, type Materializer } from "./materializers.ts";
import { SINGLE_INPUT, SINGLE_OUTPUT, type PipelinePlan, type PlannedStep } from "./plan.ts";
import type { ArtifactRecord, StepExecution } from "../components/run-records.ts";
import type { Step, StepContext } from "./step.ts";
import { stepLogsUri, withStepLogs } from "./step-logs.ts";
import { secretValuesOf } from "../secrets/resolved-values.ts";

export interface RunState {
  plan: PipelinePlan;
  stack: LoadedStack;
  components: StackComponent[];
  runId: string;
  runName: string;
  enableCache: boolean;
  stepIds: ReadonlyMap<string, string>;
  /** Progress events; `step-started` is emitted here, when a step really executes (not on a cache hit). */
  emit: (event: PipelineEvent) => void;
  /** Small files written by this run's steps, read back from memory by their consumers. */
  recentFiles: RecentFiles;
  /** Outputs of the steps that finished in this run: step → output name → artifact. */
  outputs: Map<string, Record<string, ArtifactRecord>>;
}

/** What a step produced (or reused) before its outcome is recorded. */
interface Produced {
  status: "completed" | "cached" | "failed";
  outputs: Record<string, ArtifactRecord>;
  newArtifacts: ArtifactRecord[];
  error?: Error;
}

/**
 * Runs one step and reports its outcome: the metadata record (one `completeStep`, whatever the
 * outcome), the progress event and the step's hooks. Never throws for the step's own failure.
 * With `refused`, records the step as failed with that error without running it.
 */
export async function executeStep(state: RunState, name: string, signal: AbortSignal, refused?: Error): Promise<StepOutcome> {
  const planned = stepIndex(state.plan).get(name);
  const stepId = state.stepIds.get(name);
  if (!planned || !stepId) throw new Error(`Step '${name}' is not part of run '${state.runName}'.`);
  const metadata = state.stack.metadataStore;
  const pipelineName = state.plan.pipelineName;
  const startedAt = new Date();
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const cancelled = (): StepOutcome => ({ step: name, status: "cancelled", durationMs: elapsed() });
  let inputLinks: { name: string; artifactId: string }[] = [];
  let cacheKey: string | undefined;
  let codeHash: string | undefined;
  let cacheReason: string | undefined;
  let produced: Produced;

  try {
    // A step the core refuses to run (its orchestrator broke the contract) is recorded as failed.
    if (refused) throw refused;
    const inputArtifacts = await collectInputs(state, planned);
    inputLinks = Object.entries(inputArtifacts).map(([key, artifact]) => ({ name: key, artifactId: artifact.id }));
    codeHash = codeHashOf(planned.step);
    const extra = planned.step.spec.cacheKey ? String(await planned.step.spec.cacheKey(planned.parameters)) : undefined;
    cacheKey = cacheKeyOf({
      codeHash,
      parameters: planned.parameters,
      inputs: Object.fromEntries(Object.entries(inputArtifacts).map(([k, a]) => [k, a.contentHash])),
      outputs: planned.outputNames,
      extra,
    });

    let hit: StepExecution | undefined;
    if (!state.enableCache) cacheReason = "cache disabled for this run";
    else if (!planned.enableCache) cacheReason = `cache disabled for step ${name}`;
    else {
      const found = await metadata.findCachedExecution({ pipelineName, stepName: name, cacheKey, artifactStoreId: state.stack.artifactStore.id });
      if (found && (await outputsExist(state.stack.artifactStore, found))) hit = found;
      else cacheReason = await explainCacheMiss(state, planned, { codeHash, cacheKey, inputArtifacts, hit: found });
    }

    if (hit) {
      cacheReason = `unchanged since run '${hit.runName}'`;
      produced = { status: "cached", outputs: hit.outputs, newArtifacts: [] };
    } else {
      if (signal.aborted || !(await metadata.markStepRunning(stepId, startedAt.toISOString()))) return cancelled();
      state.emit({ type: "step-started", runName: state.runName, step: name });
      const outputs = await withStepLogs(logTarget(state, name, stepId), () => runWithComponents(state, planned, stepId, inputArtifacts, signal));
      produced = { status: "completed", outputs, newArtifacts: Object.values(outputs) };
    }
  } catch (thrown) {
    produced = { status: "failed", outputs: {}, newArtifacts: [], error: asError(thrown) };
  }

  const durationMs = elapsed();
  try {
    const recorded = await metadata.completeStep({
      stepId,
      status: produced.status,
      cacheReason,
      cacheKey,
      codeHash,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      durationMs,
      error: produced.error ? describeError(produced.error) : undefined,
      inputs: inputLinks,
      newArtifacts: produced.newArtifacts,
      outputs: Object.entries(produced.outputs).map(([output, artifact]) => ({ name: output, artifactId: artifact.id })),
    });
    // The run already ended this step (it was cancelled meanwhile): the run's outcome stands.
    if (!recorded) return cancelled();
  } catch (thrown) {
    // The outcome could not be recorded: the step failed, and the run settles its record.
    produced = { status: "failed", outputs: {}, newArtifacts: [], error: produced.error ?? asError(thrown) };
  }
  if (produced.status !== "failed") state.outputs.set(name, produced.outputs);

  const outcome: StepOutcome = { step: name, status: produced.status, durationMs, cacheReason, error: produced.error };
  state.emit(outcomeEvent(state.runName, outcome));
  await runStepHooks(state, planned, outcome, signal);
  return outcome;
}

/** Where a step's printed output goes: its log in the artifact store (a failure to save it is a warning, not a step failure). */
function logTarget(state: RunState, name: string, stepId: string) {
  const store = state.stack.artifactStore;
  return {
    store,
    uri: stepLogsUri(store, state.plan.pipelineName, name, stepId),
    secrets: () => secretValuesOf(state.components),
    onSaveError: (error: Error) =>
      void process.stderr.write(`Warning: the logs of step '${name}' could not be saved to artifact store '${store.name}': ${describeError(error)}\n`),
  };
}

/** The progress event of a step's recorded outcome. */
export function outcomeEvent(runName: string, outcome: StepOutcome): PipelineEvent {
  const { step, durationMs } = outcome;
  switch (outcome.status) {
    case "completed":
      return { type: "step-finished", runName, step, durationMs, cacheReason: outcome.cacheReason };
    case "cached":
      return { type: "step-cached", runName, step, reason: outcome.cacheReason ?? "cached" };
    case "failed":
      return { type: "step-failed", runName, step, durationMs, error: describeError(outcome.error ?? new Error("unknown error")) };
    default:
      throw new Error(`No event for a step ${outcome.status} by the run.`);
  }
}

async function runStepHooks(state: RunState, planned: PlannedStep, outcome: StepOutcome, signal: AbortSignal): Promise<void> {
  const { onSuccess, onFailure } = planned.step.spec;
  if ((outcome.status === "completed" && !onSuccess) || (outcome.status === "failed" && !onFailure)) return;
  const ctx: StepContext = {
    stack: runStack(state.stack),
    pipelineName: state.plan.pipelineName,
    runName: state.runName,
    runId: state.runId,
    stepName: planned.name,
    signal,
  };
  const where = { runName: state.runName, step: planned.name, emit: state.emit };
  if (outcome.status === "completed") {
    await invokeHook(onSuccess, { ...ctx, status: "completed", durationMs: outcome.durationMs }, { ...where, hook: "onSuccess" });
  } else if (outcome.status === "failed") {
    const error = outcome.error ?? new Error("unknown error");
    await invokeHook(onFailure, { ...ctx, status: "failed", durationMs: outcome.durationMs, error }, { ...where, hook: "onFailure" });
  }
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

const indexes = new WeakMap<PipelinePlan, Map<string, PlannedStep>>();

function stepIndex(plan: PipelinePlan): Map<string, PlannedStep> {
  let index = indexes.get(plan);
  if (!index) indexes.set(plan, (index = new Map(plan.steps.map((s) => [s.name, s]))));
  return index;
}

/** `RangeError: message`; our own errors (with a hint) and plain Errors show just the message. */
export function describeError(error: Error): string {
  const ours = typeof (error as { exitCode?: unknown }).exitCode === "number" && "hint" in error;
  const name = error.name && error.name !== "Error" && !ours ? `${error.name}: ` : "";
  return `${name}${error.message}`;
}

/**
 * The artifacts a step reads. Upstream outputs come from this process when it ran them (the local
 * orchestrator), else from the metadata store (a step run in its own container by a remote orchestrator).
 */
async function collectInputs(state: RunState, planned: PlannedStep): Promise<Record<string, ArtifactRecord>> {
  const artifacts: Record<string, ArtifactRecord> = {};
  for (const binding of planned.inputs) {
    if (!state.outputs.has(binding.step)) state.outputs.set(binding.step, await recordedOutputs(state, binding.step));
    const artifact = state.outputs.get(binding.step)?.[binding.output];
    if (!artifact) {
      throw new ZenError(
        `Input '${binding.key}' of step '${planned.name}' is missing: step '${binding.step}' returned nothing for output '${binding.output}'.`,
        { code: "ZEN_MISSING_INPUT", hint: `Make step '${binding.step}' return a value for '${binding.output}'.` },
      );
    }
    artifacts[binding.key] = artifact;
  }
  return artifacts;
}

async function recordedOutputs(state: RunState, stepName: string): Promise<Record<string, ArtifactRecord>> {
  const metadata = state.stack.metadataStore;
  const stepId = state.stepIds.get(stepName);
  if (!stepId) return {};
  const { outputs } = await metadata.listStepLinks([stepId]);
  const artifacts = new Map((await metadata.getArtifacts(outputs.map((l) => l.artifactId))).map((a) => [a.id, a]));
  return Object.fromEntries(outputs.flatMap((l) => (artifacts.has(l.artifactId) ? [[l.name, artifacts.get(l.artifactId)!]] : [])));
}

const codeHashes = new WeakMap<Step, string>();

/** The hash of the step's own code (its run function and cache-key function). */
export function codeHashOf(step: Step): string {
  let hash = codeHashes.get(step);
  if (!hash) {
    hash = sha256(`${step.spec.run.toString()}\n${step.spec.cacheKey?.toString() ?? ""}`);
    codeHashes.set(step, hash);
  }
  return hash;
}

async function outputsExist(store: BaseArtifactStore, execution: StepExecution): Promise<boolean> {
  for (const artifact of Object.values(execution.outputs)) {
    if (artifact.artifactStoreId !== store.id || !(await store.exists(artifact.uri))) return false;
  }
  return true;
}

/** Says why a step was not taken from the cache, compared with its last successful execution. */
async function explainCacheMiss(
  state: RunState,
  planned: PlannedStep,
  current: { codeHash: string; cacheKey: string; inputArtifacts: Record<string, ArtifactRecord>; hit: StepExecution | undefined },
): Promise<string> {
  if (current.hit) return "the outputs of the cached execution are missing from the artifact store";
  const previous = await state.stack.metadataStore.latestExecution({ pipelineName: state.plan.pipelineName, stepName: planned.name });
  if (!previous) return "no earlier execution of this step";
  const reasons: string[] = [];
  if (previous.step.codeHash !== current.codeHash) reasons.push(`code of ${planned.step.stepName} changed`);
  const keys = [...new Set([...Object.keys(previous.step.parameters), ...Object.keys(planned.parameters)])].sort();
  const changed = keys.filter((k) => canonicalJson(previous.step.parameters[k]) !== canonicalJson(planned.parameters[k]));
  if (changed.length > 0) reasons.push(`parameter${changed.length > 1 ? "s" : ""} ${changed.join(", ")} changed`);
  for (const binding of planned.inputs) {
    if (previous.inputs[binding.key]?.contentHash !== current.inputArtifacts[binding.key]?.contentHash) {
      const source = binding.output === SINGLE_OUTPUT ? binding.step : `${binding.step}.${binding.output}`;
      reasons.push(binding.key === SINGLE_INPUT && planned.inputShape === "single" ? `input from ${source} changed` : `input ${binding.key} changed`);
    }
  }
  const previousInputs = Object.keys(previous.inputs).filter((k) => !planned.inputs.some((b) => b.key === k));
  if (previousInputs.length > 0) reasons.push(`input${previousInputs.length > 1 ? "s" : ""} ${previousInputs.join(", ")} removed`);
  if (reasons.length > 0) return reasons.join("; ");
  if (previous.step.cacheKey === current.cacheKey) {
    return "the outputs of the cached execution are missing from the artifact store";
  }
  if (planned.step.spec.cacheKey) return `cache key of ${planned.step.stepName} changed`;
  return `outputs of ${planned.step.stepName} changed`;
}

async function runWithComponents(
  state: RunState,
  planned: PlannedStep,
  stepId: string,
  inputArtifacts: Record<string, ArtifactRecord>,
  signal: AbortSignal,
): Promise<Record<string, ArtifactRecord>> {
  const info: StepRunInfo = { pipelineName: state.plan.pipelineName, runName: state.runName, stepName: planned.name };
  const prepared: StackComponent[] = [];
  let result: Record<string, ArtifactRecord> | undefined;
  let failure: unknown;
  try {
    for (const component of state.components) {
      await component.prepareStepRun(info);
      prepared.push(component);
    }
    const inputs = await loadInputs(state.stack.artifactStore, planned, inputArtifacts, state.recentFiles);
    const context: StepContext = {
      stack: runStack(state.stack),
      pipelineName: state.plan.pipelineName,
      runName: state.runName,
      runId: state.runId,
      stepName: planned.name,
      signal,
    };
    const value: unknown = await planned.step.spec.run(inputs, planned.parameters, context);
    result = await writeOutputs(state, planned, stepId, value);
  } catch (error) {
    failure = error;
  }
  // Clean up every prepared component, even after a failure; the first error wins.
  const ended: StepRunInfo = {
    ...info,
    outcome: failure === undefined ? { status: "completed" } : { status: "failed", error: failure instanceof Error ? describeError(failure) : String(failure) },
  };
  for (const component of prepared.reverse()) {
    try {
      await component.cleanupStepRun(ended);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return result!;
}

export async function readArtifactWith(
  store: BaseArtifactStore,
  artifact: ArtifactRecord,
  materializer: Materializer | undefined,
  recent?: RecentFiles,
): Promise<unknown> {
  if (!materializer) {
    throw new ZenError(
      `Artifact '${artifact.name}' (${artifact.id}) was written by materializer '${artifact.materializer}', which is not registered in this process.`,
      {
        code: "ZEN_NO_MATERIALIZER",
        hint: `Import the module that calls registerMaterializer() for '${artifact.materializer}' before reading the artifact.`,
      },
    );
  }
  return materializer.read(createMaterializerContext(store, artifact.uri, recent), artifact.dataType);
}

async function loadInputs(store: BaseArtifactStore, planned: PlannedStep, artifacts: Record<string, ArtifactRecord>, recent: RecentFiles): Promise<unknown> {
  if (planned.inputShape === "none") return undefined;
  const values = await Promise.all(
    planned.inputs.map((b) => {
      const artifact = artifacts[b.key]!;
      return readArtifactWith(store, artifact, findMaterializer(artifact.materializer), recent);
    }),
  );
  if (planned.inputShape === "single") return values[0];
  if (planned.inputShape === "array") return values;
  return Object.fromEntries(planned.inputs.map((b, i) => [b.key, values[i]]));
}

function outputMaterializer(planned: PlannedStep, output: string, value: unknown): Materializer {
  const configured = planned.step.spec.materializers;
  const explicit =
    configured && typeof (configured as Materializer).write === "function"
      ? (configured as Materializer)
      : (configured as Partial<Record<string, Materializer>> | undefined)?.[output];
  return explicit ?? selectMaterializer(value, `output '${output}' of step '${planned.name}'`);
}

async function writeOutputs(state: RunState, planned: PlannedStep, stepId: string, value: unknown): Promise<Record<string, ArtifactRecord>> {
  const named = planned.step.spec.outputs && planned.step.spec.outputs.length > 0;
  if (named && (typeof value !== "object" || value === null)) {
    throw new ZenError(`Step '${planned.name}' declares outputs ${planned.outputNames.join(", ")} but returned ${value === null ? "null" : typeof value}.`, {
      code: "ZEN_INVALID_OUTPUT",
      hint: `Return an object with the members ${planned.outputNames.join(", ")}.`,
    });
  }
  const store = state.stack.artifactStore;
  const produced: Record<string, ArtifactRecord> = {};
  for (const output of planned.outputNames) {
    const item = named ? (value as Record<string, unknown>)[output] : value;
    if (item === undefined) continue;
    const materializer = outputMaterializer(planned, output, item);
    const id = randomUUID();
    const uri = store.join(store.path, state.plan.pipelineName, planned.name, output, id);
    await store.makedirs(uri);
    const context = createMaterializerContext(store, uri, state.recentFiles);
    await materializer.write(item, context);
    const files = context.writtenFiles.length > 0 ? context.writtenFiles : await hashTree(store, uri);
    produced[output] = {
      id,
      name: output,
      uri,
      materializer: materializer.name,
      dataType: materializer.dataType?.(item) ?? typeof item,
      contentHash: artifactContentHash(files),
      producerStepId: stepId,
      artifactStoreId: store.id,
      createdAt: new Date().toISOString(),
    };
  }
  return produced;
}

/** Hashes the files of an artifact written without the context's helpers. */
async function hashTree(store: BaseArtifactStore, root: string): Promise<{ path: string; sha256: string }[]> {
  const files: { path: string; sha256: string }[] = [];
  for await (const entry of store.walk(root)) {
    for (const file of entry.files) {
      const full = store.join(entry.dir, file);
      files.push({
        path: full
          .slice(root.length)
          .replace(/^[/\\]+/, "")
          .replace(/\\/g, "/"),
        sha256: sha256(await store.readBytes(full)),
      });
    }
  }
  return files;
}
