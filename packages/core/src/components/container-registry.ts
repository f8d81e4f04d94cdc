import { StackComponent } from "../stack-component.ts";

export interface ContainerRegistryConfig extends Record<string, unknown> {
  uri: string;
}

/** Stores container images for remote orchestrators and step operators. */
export class BaseContainerRegistry<Config extends ContainerRegistryConfig = ContainerRegistryConfig> extends StackComponent<Config> {
  static override readonly componentType = "container_registry" as const;

  get uri(): string {
    return this.config.uri.replace(/\/+$/, "");
  }

  /** A registry at `localhost:PORT` is only reachable from this machine. */
  get isLocal(): boolean {
    return /^(localhost|127\.0\.0\.1):[0-9]{2,5}$/.test(this.uri);
  }
}
