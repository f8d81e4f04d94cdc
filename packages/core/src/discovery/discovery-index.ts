/** The discovered index: what `zen` knows about flavor packages without importing them (cached as JSON). */
import type { CandidateOrigin } from "./candidates.ts";
import type { DiscoveryProblem, FlavorInfo, FormerFlavor } from "./flavor-info.ts";

export interface IndexedPackage {
  name: string;
  version: string;
  root: string;
  origin: CandidateOrigin;
  /** The resolved flavors module (absent when the package could not be resolved that far). */
  flavorsFile?: string;
  flavors: FlavorInfo[];
}

/** One dependency looked at by discovery, for `zen doctor`. */
export interface CandidateReport {
  package: string;
  origin: CandidateOrigin;
  root?: string;
  /** ok: a working flavor package; ignored: not a flavor package; broken: a flavor package that cannot be used. */
  status: "ok" | "ignored" | "broken";
  /** `type/name` of the flavors it provides (or would provide). */
  flavors: string[];
  problem?: string;
}

/** A file whose change makes the cached index stale (workspace-linked packages, core run from source). */
export interface WatchedFile {
  path: string;
  stamp: string;
}

export interface DiscoveryIndex {
  format: number;
  key: string;
  createdAt: string;
  coreVersion: string;
  builtins: FlavorInfo[];
  packages: IndexedPackage[];
  problems: DiscoveryProblem[];
  candidates: CandidateReport[];
  watch: WatchedFile[];
  /** Flavors that packages provided before and no longer do (uninstalled or broken since). */
  formerFlavors?: FormerFlavor[];
}
