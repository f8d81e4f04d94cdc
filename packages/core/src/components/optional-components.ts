/** Base abstractions of the optional component types that have no built-in behaviour yet. */
import { StackComponent } from "../stack-component.ts";

export abstract class BaseStepOperator<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "step_operator" as const;
}

export abstract class BaseModelDeployer<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "model_deployer" as const;
}

export abstract class BaseFeatureStore<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "feature_store" as const;
}

export abstract class BaseExperimentTracker<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "experiment_tracker" as const;
}

export abstract class BaseAlerter<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "alerter" as const;
  abstract post(message: string): Promise<boolean>;
}
