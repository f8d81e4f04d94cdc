/**
 * SIGINT/SIGTERM during runs: every active run is cancelled and its metadata settled (run
 * `cancelled`, unfinished steps `cancelled`, components cleaned up), then the signal is raised again
 * so the process ends as it would have. One process-wide listener serves all concurrent runs.
 */

type Cancel = (signal: NodeJS.Signals) => Promise<void>;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
/** How long settling may take before the process ends anyway. */
const SETTLE_TIMEOUT_MS = 10_000;

const active = new Set<Cancel>();
let handling = false;

function onSignal(signal: NodeJS.Signals): void {
  if (handling) {
    // A second signal while settling: stop at once.
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  }
  handling = true;
  const settled = Promise.allSettled([...active].map((cancel) => cancel(signal)));
  const timeout = new Promise((resolve) => setTimeout(resolve, SETTLE_TIMEOUT_MS).unref());
  void Promise.race([settled, timeout]).then(() => {
    uninstall();
    handling = false;
    process.kill(process.pid, signal);
  });
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Registers a run's cancellation; returns the function that unregisters it when the run has ended. */
export function onTerminationSignal(cancel: Cancel): () => void {
  if (active.size === 0 && !handling) install();
  active.add(cancel);
  return () => {
    active.delete(cancel);
    if (active.size === 0 && !handling) uninstall();
  };
}
