/**
 * A process that records a run on a SQL metadata store, marks its first step running, and ends
 * without finishing the run (as a process killed mid-run would). Run by metadata-server-suite.ts:
 *   node --conditions=zen-source --import tsx metadata-child-run.ts <store module> <export> <config json> <pipeline> <run name>
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";

const [modulePath, exportName, configJson, pipelineName, runName] = process.argv.slice(2) as [string, string, string, string, string];
const Store = (await import(pathToFileURL(modulePath).href))[exportName];
const store = new Store({ id: "child", name: "team", flavor: "child", config: JSON.parse(configJson), configDir: "/nonexistent" });
const steps = ["first", "second"].map((name) => ({ id: randomUUID(), name, stepName: name, parameters: {}, upstream: [] }));
await store.createRun({
  id: randomUUID(),
  name: runName,
  pipelineName,
  stack: { name: "child", components: {} },
  runtimeConfiguration: {},
  parameters: {},
  enableCache: false,
  startedAt: new Date().toISOString(),
  zenVersion: "0.0.0-test",
  steps,
});
await store.markStepRunning(steps[0]!.id, new Date().toISOString());
await store.close();
process.exit(0);
