import { StackComponent } from "../stack-component.ts";

/** Records pipelines, runs, steps, artifacts and lineage. Queries are added by the pipelines work. */
export abstract class BaseMetadataStore<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "metadata_store" as const;
}
