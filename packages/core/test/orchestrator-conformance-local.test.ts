/** The orchestrator conformance suite on the built-in `local` orchestrator. */
import { LocalOrchestrator } from "../src/builtins/local-orchestrator.ts";
import { describeOrchestratorConformance } from "../src/testing/index.ts";

describeOrchestratorConformance(
  "local",
  async () => ({ orchestrator: new LocalOrchestrator({ id: "local-conformance", name: "default", flavor: "local", config: {}, configDir: "/nonexistent" }) }),
  { expectConcurrency: true },
);

// One step at a time must pass too: the suite does not require concurrency unless asked.
describeOrchestratorConformance("local, maxConcurrency 1", async () => ({
  orchestrator: new LocalOrchestrator({ id: "local-serial", name: "serial", flavor: "local", config: { maxConcurrency: 1 }, configDir: "/nonexistent" }),
}));
