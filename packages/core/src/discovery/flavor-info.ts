/** What the registry knows about a flavor without importing its code (served from the discovery cache). */
import type { ComponentType } from "../component-types.ts";
import type { FlavorSource } from "../flavor-terms.ts";

export type { FlavorSource } from "../flavor-terms.ts";

export interface FlavorInfo {
  type: ComponentType;
  name: string;
  description: string;
  source: FlavorSource;
  /** JSON Schema of the config (from `z.toJSONSchema`); secret fields carry `x-zen-secret: true`. */
  configSchema: Record<string, unknown>;
  /** Names of config fields that hold secrets. */
  secretFields: string[];
  /** False when the providing package is broken or incompatible; `problem` says why. */
  ready: boolean;
  problem?: string;
  /** Other sources of the same type/name that this one shadows (precedence: custom > package > builtin). */
  shadows?: FlavorSource[];
}

/** A flavor an installed package provided in an earlier discovery, and no longer does. */
export interface FormerFlavor {
  type: ComponentType;
  name: string;
  package: string;
  version: string;
}

/** A package (or custom flavor) that could not be used, with its cause. */
export interface DiscoveryProblem {
  package: string;
  root?: string;
  phase: "resolve" | "metadata" | "compat" | "import" | "brand" | "duplicate" | "conflict";
  message: string;
  hint?: string;
  /** The cause's stack trace, for ZEN_DEBUG=1 (import failures). */
  detail?: string;
}
