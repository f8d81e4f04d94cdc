/**
 * `verifyArtifactStore`: proves an artifact store works with its configured credentials by writing,
 * reading back and deleting a small probe object under the store's path, in bounded time. Each
 * failure is one ZenError: the store's own (an unreachable endpoint, rejected credentials, a missing
 * bucket — see STORE_ERROR_CODES) or a timeout.
 */
import { randomBytes } from "node:crypto";
import type { BaseArtifactStore } from "../components/artifact-store.ts";
import { isZenError, ZenError } from "../errors.ts";
import { STORE_ERROR_CODES } from "../object-store/store-errors.ts";

export interface VerifyOptions {
  /** Budget for the whole check (default 30 s). */
  timeoutMs?: number;
}

export interface VerifyStep {
  name: "write" | "read" | "delete";
  durationMs: number;
}

export interface VerifyResult {
  store: string;
  flavor: string;
  path: string;
  /** The probe object's path (deleted again). */
  probe: string;
  steps: VerifyStep[];
  durationMs: number;
}

/** Where probes go, under the store's path. */
export const PROBE_DIR = ".zen-verify";

export async function verifyArtifactStore(store: BaseArtifactStore, options: VerifyOptions = {}): Promise<VerifyResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const deadline = started + timeoutMs;
  const probeDir = store.join(store.path, PROBE_DIR);
  const probe = store.join(probeDir, `probe-${Date.now()}-${randomBytes(4).toString("hex")}`);
  const payload = randomBytes(64);
  const steps: VerifyStep[] = [];
  const what = `artifact store '${store.name}'`;

  const step = async <T>(name: VerifyStep["name"], action: string, run: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    const remaining = deadline - at;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ZenError(`The ${what} did not ${action} within ${(timeoutMs / 1000).toFixed(0)} s.`, {
                  code: STORE_ERROR_CODES.timeout,
                  hint: "Check the endpoint and the network; a firewall that drops packets looks like this.",
                }),
              ),
            Math.max(0, remaining),
          );
          timer.unref?.();
        }),
      ]);
      steps.push({ name, durationMs: performance.now() - at });
      return result;
    } catch (error) {
      if (isZenError(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ZenError(`The ${what} could not ${action} at '${probe}': ${message.replace(/\.$/, "")}.`, {
        code: "ZEN_STORE_VERIFY_FAILED",
        hint: `Check the store's configuration (\`zen artifact-store describe ${store.name}\`) and the service.`,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  };

  await step("write", "write a probe object", () => store.writeBytes(probe, payload));
  try {
    const read = await step("read", "read the probe object back", () => store.readBytes(probe));
    if (!payload.equals(read)) {
      throw new ZenError(`The ${what} returned different bytes for the probe object '${probe}' than were written.`, {
        code: "ZEN_STORE_CORRUPT",
        hint: "Check the service's checksum settings (for S3-compatible services: request_checksum_calculation=when_required).",
      });
    }
  } finally {
    await step("delete", "delete the probe object", () => store.remove(probe)).catch((error: unknown) => {
      if (steps.some((s) => s.name === "read")) throw error;
    });
    // Local stores keep the directory; another verify may still use it, so a failure here is fine.
    await store.remove(probeDir).catch(() => {});
  }
  return { store: store.name, flavor: store.flavor, path: store.path, probe, steps, durationMs: performance.now() - started };
}
