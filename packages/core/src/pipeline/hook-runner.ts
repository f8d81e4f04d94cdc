/**
 * Calls a success or failure hook. A hook reports on an outcome that is already recorded, so its own
 * failure never changes that outcome: it is reported as a `hook-failed` event (a warning) instead.
 */
import type { PipelineEvent } from "../components/run-events.ts";

export async function invokeHook<C>(
  hook: ((ctx: C) => unknown) | undefined,
  ctx: C,
  where: { runName: string; step?: string | undefined; hook: "onSuccess" | "onFailure"; emit: (event: PipelineEvent) => void },
): Promise<void> {
  if (typeof hook !== "function") return;
  try {
    await hook(ctx);
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    where.emit({
      type: "hook-failed",
      runName: where.runName,
      ...(where.step !== undefined ? { step: where.step } : {}),
      hook: where.hook,
      error: error.message,
    });
  }
}
