/**
 * `zen artifact-store verify [NAME]` and `zen stack verify [NAME]`: write, read back and delete a
 * probe object with the configured credentials, in bounded time. A missing bucket, rejected
 * credentials or an unreachable endpoint is reported as one sentence (a ZenError) and exit code 1.
 */
import type { Command } from "commander";
import type { BaseArtifactStore, LoadedStack, ZenApi } from "@zen/core";
import { NotFoundError, UsageError } from "@zen/core/errors";
import { printObject, success } from "../output.ts";
import { args, openZen, options, outputFormat } from "./common.ts";

const DEFAULT_TIMEOUT_SECONDS = 30;

function timeoutMs(command: Command): number {
  const raw = options(command).timeout;
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`Invalid --timeout '${String(raw)}'.`, { hint: "Give the time limit in seconds, e.g. --timeout 20." });
  }
  return seconds * 1000;
}

/** An optional facade method (instantiate one component); older facades load a stack that holds it instead. */
type ComponentLoader = { loadComponent?: (type: "artifact_store", name?: string) => Promise<unknown> };

/**
 * The artifact store to verify, instantiated with its secrets resolved: the named one, or the
 * active stack's. Secret references resolve through a stack's secrets manager, so a named store is
 * loaded with the active stack if it belongs to it, else with the first stack that holds it.
 */
async function loadArtifactStore(zen: ZenApi, name: string | undefined): Promise<BaseArtifactStore> {
  const loader = (zen as ZenApi & ComponentLoader).loadComponent;
  if (typeof loader === "function") return (await loader.call(zen, "artifact_store", name)) as BaseArtifactStore;
  if (name === undefined) return (await zen.loadStack()).artifactStore;
  await zen.getComponent("artifact_store", name); // a clear error for an unknown name
  const stacks = await zen.listStacks();
  const holding = stacks.filter((s) => s.components.artifact_store === name);
  const stack = holding.find((s) => s.active) ?? holding[0];
  if (!stack) {
    throw new NotFoundError(`Artifact store '${name}' is not part of any stack, so its secret references cannot be resolved for a check.`, {
      hint: `Add it to a stack first (\`zen stack update <stack> -a ${name}\`), or verify a stack: \`zen stack verify <stack>\`.`,
    });
  }
  return (await zen.loadStack(stack.name)).artifactStore;
}

async function report(command: Command, store: BaseArtifactStore, what: string): Promise<void> {
  const { verifyArtifactStore } = await import("@zen/core/verify");
  const result = await verifyArtifactStore(store, { timeoutMs: timeoutMs(command) });
  const format = outputFormat(command);
  const ms = (value: number) => `${Math.round(value)} ms`;
  if (format !== "table") {
    await printObject(format, "artifact_store_verification", "", [], { ...result, ok: true });
    return;
  }
  await printObject(format, "artifact_store_verification", `${what} verified`, [
    ["NAME", result.store],
    ["FLAVOR", result.flavor],
    ["PATH", result.path],
    ...result.steps.map((s) => [s.name.toUpperCase(), ms(s.durationMs)] as [string, string]),
    ["TOTAL", ms(result.durationMs)],
  ], result);
  success(`Wrote, read back and deleted a probe object under '${result.path}'.`);
}

/** `zen artifact-store verify [NAME]` (default: the active stack's artifact store). */
export async function verify(command: Command): Promise<void> {
  const [name] = args(command);
  const zen = await openZen(command);
  const store = await loadArtifactStore(zen, name ?? undefined);
  await report(command, store, `Artifact store '${store.name}'`);
}

/** `zen stack verify [NAME]`: loads the whole stack (validation, implementations, secrets) and verifies its artifact store. */
export async function verifyStack(command: Command): Promise<void> {
  const [name] = args(command);
  const zen = await openZen(command);
  const stack: LoadedStack = await zen.loadStack(name ?? undefined);
  await report(command, stack.artifactStore, `Artifact store '${stack.artifactStore.name}' of stack '${stack.name}'`);
}
