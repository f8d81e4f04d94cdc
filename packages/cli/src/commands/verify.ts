/**
 * `zen artifact-store verify [NAME]` and `zen stack verify [NAME]`: write, read back and delete a
 * probe object with the configured credentials, in bounded time. A missing bucket, rejected
 * credentials or an unreachable endpoint is reported as one sentence (a ZenError) and exit code 1.
 */
import type { Invocation } from "../command-line/spec.ts";
import type { BaseArtifactStore, LoadedStack, ZenApi } from "@zen/core";
import { UsageError } from "@zen/core/command-line";
import { printObject, success } from "../output.ts";
import { openZen, options, outputFormat } from "./common.ts";

const DEFAULT_TIMEOUT_SECONDS = 30;

function timeoutMs(command: Invocation): number {
  const raw = options(command).timeout;
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`Invalid --timeout '${String(raw)}'.`, { hint: "Give the time limit in seconds, e.g. --timeout 20." });
  }
  return seconds * 1000;
}

/** The artifact store to verify (default: the active stack's), secret references resolved. */
async function loadArtifactStore(zen: ZenApi, name: string | undefined): Promise<BaseArtifactStore> {
  return (await zen.loadComponent("artifact_store", name)) as BaseArtifactStore;
}

async function report(command: Invocation, store: BaseArtifactStore, what: string): Promise<void> {
  const { verifyArtifactStore } = await import("@zen/core/verify");
  const result = await verifyArtifactStore(store, { timeoutMs: timeoutMs(command) });
  const format = outputFormat(command);
  const ms = (value: number) => `${Math.round(value)} ms`;
  if (format !== "table") {
    await printObject(format, "artifact_store_verification", "", [], { ...result, ok: true });
    return;
  }
  await printObject(
    format,
    "artifact_store_verification",
    `${what} verified`,
    [
      ["NAME", result.store],
      ["FLAVOR", result.flavor],
      ["PATH", result.path],
      ...result.steps.map((s) => [s.name.toUpperCase(), ms(s.durationMs)] as [string, string]),
      ["TOTAL", ms(result.durationMs)],
    ],
    result,
  );
  success(`Wrote, read back and deleted a probe object under '${result.path}'.`);
}

/** `zen artifact-store verify [NAME]` (default: the active stack's artifact store). */
export async function verify(command: Invocation): Promise<void> {
  const [name] = command.args;
  const zen = await openZen(command);
  const store = await loadArtifactStore(zen, name ?? undefined);
  await report(command, store, `Artifact store '${store.name}'`);
}

/** `zen stack verify [NAME]`: loads the whole stack (validation, implementations, secrets) and verifies its artifact store. */
export async function verifyStack(command: Invocation): Promise<void> {
  const [name] = command.args;
  const zen = await openZen(command);
  const stack: LoadedStack = await zen.loadStack(name ?? undefined);
  await report(command, stack.artifactStore, `Artifact store '${stack.artifactStore.name}' of stack '${stack.name}'`);
}
