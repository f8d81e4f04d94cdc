import { StackComponent, type ComponentInit } from "../stack-component.ts";

export interface ArtifactStoreConfig extends Record<string, unknown> {
  path: string;
}

/**
 * Storage for the artifacts a pipeline produces. Every path the store handles starts with one of
 * `supportedSchemes` (an empty string means local paths). Filesystem operations are added by the
 * pipelines work (write/read streams, exists, list, glob, walk, stat, makedirs, remove, rename, copy).
 */
export abstract class BaseArtifactStore<Config extends ArtifactStoreConfig = ArtifactStoreConfig> extends StackComponent<Config> {
  static override readonly componentType = "artifact_store" as const;
  /** e.g. `["s3://"]`; `[""]` accepts any local path. */
  static readonly supportedSchemes: readonly string[] = [];

  constructor(init: ComponentInit<Config>) {
    super(init);
  }

  get path(): string {
    return this.config.path;
  }
}
