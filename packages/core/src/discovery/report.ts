/** The discovery report `zen doctor` prints: every dependency looked at, what became of it, and why. */
import type { CandidateReport } from "./discovery-index.ts";
import type { DiscoveryProblem } from "./flavor-info.ts";
import { discover, type DiscoveryOptions } from "./registry.ts";

export interface DiscoveryReport {
  candidates: CandidateReport[];
  problems: DiscoveryProblem[];
  /** The cache file read or written (undefined when no cache location was writable). */
  cacheFile: string | undefined;
  cacheHit: boolean;
}

/** Pass `fresh: true` to rediscover (and rewrite the cache) as `zen doctor` does. */
export async function discoveryReport(options: DiscoveryOptions): Promise<DiscoveryReport> {
  const { index, cacheFile, cacheHit } = await discover(options);
  return { candidates: index.candidates, problems: index.problems, cacheFile, cacheHit };
}
