/**
 * Step logs: what a step prints while it runs (`process.stdout`/`process.stderr`, and so `console.*`
 * and loggers writing there), kept in the artifact store next to the step's outputs. Steps run in this
 * process, several at a time, so output is attributed through an `AsyncLocalStorage` context entered
 * around each step; the two streams are wrapped once while any step runs and restored after, and every
 * write still reaches the terminal unchanged. A step's log is one text object, written while it runs
 * (so a run in progress shows it), at its end and after a failure, with the secret values the stack's
 * components were given shown as `****`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { BaseArtifactStore } from "../components/artifact-store.ts";
import type { StepStatus } from "../components/run-records.ts";
import { NotFoundError } from "../errors.ts";
import { redact } from "../secrets/mask.ts";

/** The most a step's log keeps; what a step prints beyond it is counted, not kept. */
export const STEP_LOG_LIMIT = 10 * 1024 * 1024;
/** How often a running step's log is saved (when it changed), so a run in progress shows it. */
const FLUSH_EVERY_MS = 3000;

/** Where the log of one execution of a step lives: `<store>/<pipeline>/<step>/logs/<step id>.txt`. */
export function stepLogsUri(store: BaseArtifactStore, pipelineName: string, stepName: string, stepId: string): string {
  return store.join(store.path, pipelineName, stepName, "logs", `${stepId}.txt`);
}

/** The text one step printed, up to `limit` bytes. */
export class StepLogBuffer {
  private readonly chunks: string[] = [];
  private kept = 0;
  private dropped = 0;
  private version = 0;
  private closed = false;
  private trailer = "";

  constructor(readonly limit: number = STEP_LOG_LIMIT) {}

  append(text: string): void {
    if (this.closed || text.length === 0) return;
    this.version++;
    if (this.dropped > 0) {
      this.dropped += Buffer.byteLength(text);
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (this.kept + bytes <= this.limit) {
      this.chunks.push(text);
      this.kept += bytes;
      return;
    }
    // Keep what fits (whole characters only), count the rest.
    const head = Buffer.from(text)
      .subarray(0, this.limit - this.kept)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    this.chunks.push(head);
    this.kept += Buffer.byteLength(head);
    this.dropped = bytes - Buffer.byteLength(head);
  }

  /** Changes with every write: a flush is needed when it differs from the last flushed one. */
  get revision(): number {
    return this.version;
  }

  /** zen's own closing words (a failure), kept past the limit. */
  note(text: string): void {
    this.trailer += text;
    this.version++;
  }

  /** Later writes (a timer the step left behind) are not kept. */
  close(): void {
    this.closed = true;
  }

  text(): string {
    let body = this.chunks.join("");
    // Many small writes: keep them as one string from now on.
    this.chunks.splice(0, this.chunks.length, body);
    const newline = () => (body === "" || body.endsWith("\n") ? "" : "\n");
    if (this.dropped > 0) body += `${newline()}[zen: log truncated at ${formatBytes(this.limit)}; ${this.dropped} more bytes were not kept]\n`;
    if (this.trailer !== "") body += newline() + this.trailer;
    return body;
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

const current = new AsyncLocalStorage<StepLogBuffer>();
type Write = typeof process.stdout.write;
let active = 0;
let restore: (() => void) | undefined;

function wrap(stream: NodeJS.WriteStream): () => void {
  const original = stream.write;
  const wrapped = function (this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown) {
    const buffer = current.getStore();
    if (buffer) {
      try {
        buffer.append(asText(chunk, encoding));
      } catch {
        // Capturing must never break a write.
      }
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
  } as Write;
  stream.write = wrapped;
  // Put the original back only if nobody replaced ours meanwhile (else ours stays, passing through).
  return () => {
    if (stream.write === wrapped) stream.write = original;
  };
}

function asText(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === "string") {
    return typeof encoding === "string" && Buffer.isEncoding(encoding) && !/^utf-?8$/i.test(encoding) ? Buffer.from(chunk, encoding).toString("utf8") : chunk;
  }
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  return String(chunk);
}

/** Runs `fn` with what it (and everything it starts) writes to stdout/stderr appended to `buffer`. */
export async function captureOutput<T>(buffer: StepLogBuffer, fn: () => Promise<T>): Promise<T> {
  if (active++ === 0) {
    const undo = [wrap(process.stdout), wrap(process.stderr)];
    restore = () => {
      for (const u of undo) u();
    };
  }
  try {
    return await current.run(buffer, fn);
  } finally {
    if (--active === 0) {
      restore?.();
      restore = undefined;
    }
  }
}

/**
 * The log of one step execution: captured while `run` runs, saved every few seconds when it changed
 * and once more at the end. When `run` throws, the error's stack ends the log (the failed step's log
 * is the one most wanted). Saving never fails the step: a failure to save is given to `onSaveError`.
 */
export async function withStepLogs<T>(
  target: {
    store: BaseArtifactStore;
    uri: string;
    onSaveError: (error: Error) => void;
    /** Secret values the stack's components hold: shown as `****` in the saved log. */
    secrets?: () => readonly string[];
    limit?: number;
  },
  run: () => Promise<T>,
): Promise<T> {
  const buffer = new StepLogBuffer(target.limit);
  let saved = -1;
  let chain: Promise<void> = Promise.resolve();
  const save = (final: boolean): Promise<void> => {
    chain = chain.then(async () => {
      const revision = buffer.revision;
      // A step that printed nothing gets no object: most steps print nothing, and on S3 or GCS each
      // object is a request per step. Readers take a finished step without one as silent.
      if (revision === saved || revision === 0) return;
      try {
        const secrets = target.secrets?.() ?? [];
        await target.store.writeText(target.uri, secrets.length > 0 ? redact(buffer.text(), secrets) : buffer.text());
        saved = revision;
      } catch (error) {
        if (final) target.onSaveError(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return chain;
  };
  // Started outside the step's context, so nothing the timer causes is attributed to the step.
  const timer = setInterval(() => void save(false), FLUSH_EVERY_MS);
  timer.unref?.();
  try {
    return await captureOutput(buffer, run);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    buffer.note(`[zen: the step failed] ${text}\n`);
    throw error;
  } finally {
    clearInterval(timer);
    buffer.close();
    await save(true);
  }
}

export interface StepLogsSubject {
  id: string;
  name: string;
  status: StepStatus;
  cacheReason: string | undefined;
}

export interface StepLogsSource {
  store: BaseArtifactStore | undefined;
  pipelineName: string;
  runName: string;
  /** The artifact store the run used (from its record), for saying where the logs are. */
  runArtifactStore: string | undefined;
}

/** A step without a log; `reason` says why, e.g. "it was not started (an upstream step failed)". */
export class NoStepLogsError extends NotFoundError {
  constructor(
    readonly step: string,
    readonly reason: string,
    message: string,
    hint: string,
  ) {
    super(message, { code: "ZEN_NO_STEP_LOGS", hint });
    this.name = "NoStepLogsError";
  }
}

/** Why a step has no log at all, or `undefined` when it may have one. */
export function noLogsReason(step: StepLogsSubject): string | undefined {
  switch (step.status) {
    case "cached":
      return `it was cached (${step.cacheReason ?? "reused from an earlier run"}), not run`;
    case "skipped":
      return "it was not started (an upstream step failed)";
    case "pending":
      return "it has not started yet";
    default:
      return undefined;
  }
}

/** Reads a step's log; a clear NotFoundError when there is none and why. */
export async function readStepLogs(step: StepLogsSubject, source: StepLogsSource): Promise<string> {
  const where = `Step '${step.name}' of run '${source.runName}'`;
  const reason = noLogsReason(step);
  if (reason) {
    const earlier = step.status === "cached" ? /run '([^']+)'/.exec(step.cacheReason ?? "")?.[1] : undefined;
    const hint = earlier
      ? `See the run that executed it: \`zen pipeline runs logs ${earlier} ${step.name}\`.`
      : step.status === "pending"
        ? "Logs appear once the step runs."
        : "Only steps that ran have logs.";
    throw new NoStepLogsError(step.name, reason, `${where} has no logs: ${reason}.`, hint);
  }
  const store = source.store;
  if (!store) {
    const reason = "no artifact store was given to the repository";
    const hint = "Open the repository from a stack: PipelineRepository.open() or PipelineRepository.forStack(stack).";
    throw new NoStepLogsError(step.name, reason, `${where} has no logs here: ${reason}.`, hint);
  }
  const uri = stepLogsUri(store, source.pipelineName, step.name, step.id);
  if (await store.exists(uri)) return store.readText(uri);
  const otherStore = source.runArtifactStore !== undefined && source.runArtifactStore !== store.name;
  // Only what a step printed is saved: a step that ran to the end without a log printed nothing.
  if (step.status === "completed" && !otherStore) return "";
  const what =
    step.status === "running"
      ? "it is running and none has been saved yet (a running step's log is saved every few seconds)"
      : step.status === "cancelled"
        ? "it was cancelled before it ran"
        : `none were found in artifact store '${store.name}'`;
  const hint = otherStore
    ? `The run used artifact store '${source.runArtifactStore}': read it on a stack with that artifact store (--stack).`
    : step.status === "failed"
      ? `A step that failed before it started (e.g. a missing input) has none: see its error with \`zen pipeline runs describe ${source.runName}\`.`
      : "Runs made before zen kept step logs, and steps whose logs could not be saved, have none.";
  throw new NoStepLogsError(step.name, what, `${where} has no logs: ${what}.`, hint);
}
