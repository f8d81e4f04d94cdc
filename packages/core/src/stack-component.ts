/**
 * The base abstraction every component implementation extends. A component is a named, typed,
 * validated configuration plus lifecycle hooks, all no-ops by default.
 */
import type { ComponentType } from "./component-types.ts";

/** A component as stored in a profile's stack store. */
export interface ComponentRecord {
  id: string;
  name: string;
  type: ComponentType;
  flavor: string;
  config: Record<string, unknown>;
  /**
   * The npm package the flavor came from when the component was registered (package flavors only),
   * so that a missing flavor can later be met with the command that installs it.
   */
  package?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface ComponentInit<Config> {
  id: string;
  name: string;
  flavor: string;
  config: Config;
  /** The global config directory (for components that keep local state, e.g. the local secrets manager). */
  configDir: string;
}

/** The runtime configuration of one pipeline run: the runtime options of `pipeline.run({ runtime_param_1: 3, … })` (every key that is not a control option). */
export interface PipelineDeployment {
  pipelineName: string;
  runName: string;
  stackName: string;
  runtimeConfiguration: Readonly<Record<string, unknown>>;
  /** Set for `cleanupPipelineRun` only: how the run ended, so that components can mirror it (e.g. a tracker's run status). */
  outcome?: { status: "completed" | "failed" | "cancelled"; error?: string | undefined };
}

export interface StepRunInfo {
  pipelineName: string;
  runName: string;
  stepName: string;
  /** Set for `cleanupStepRun` only: how the step ended, so that components can mirror it (e.g. a tracker's child run). */
  outcome?: { status: "completed" | "failed"; error?: string | undefined };
}

export abstract class StackComponent<Config = Record<string, unknown>> {
  /** Set by each base class (BaseArtifactStore, …). */
  static readonly componentType: ComponentType;

  readonly id: string;
  readonly name: string;
  readonly flavor: string;
  readonly config: Config;
  readonly configDir: string;

  constructor(init: ComponentInit<Config>) {
    this.id = init.id;
    this.name = init.name;
    this.flavor = init.flavor;
    this.config = init.config;
    this.configDir = init.configDir;
  }

  get type(): ComponentType {
    return (this.constructor as typeof StackComponent).componentType;
  }

  /** Called once before the stack is used for a deployment (e.g. provision remote resources). */
  async prepareStackDeployment(): Promise<void> {}
  /** Receives the run's runtime configuration before the pipeline is deployed. */
  async preparePipelineDeployment(_deployment: PipelineDeployment): Promise<void> {}
  async preparePipelineRun(_deployment: PipelineDeployment): Promise<void> {}
  async prepareStepRun(_step: StepRunInfo): Promise<void> {}
  async cleanupStepRun(_step: StepRunInfo): Promise<void> {}
  /** Runs at the end of every run, also after a failure. */
  async cleanupPipelineRun(_deployment: PipelineDeployment): Promise<void> {}
  /**
   * This component's page of the run (e.g. an experiment tracker's run), asked after
   * `preparePipelineRun` and kept with the run's record, so readers need not ask the service again.
   */
  async runLink(_deployment: PipelineDeployment): Promise<string | undefined> {
    return undefined;
  }

  toString(): string {
    return `${this.constructor.name}(type=${this.type}, flavor=${this.flavor}, name=${this.name})`;
  }
}

export type StackComponentClass<Config = Record<string, unknown>> = (new (
  init: ComponentInit<Config>,
) => StackComponent<Config>) & { componentType: ComponentType };
