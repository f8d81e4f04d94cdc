import { StackComponent } from "../stack-component.ts";

/** Runs the steps of a pipeline. The DAG execution contract is added by the pipelines work. */
export abstract class BaseOrchestrator<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "orchestrator" as const;
}
