/**
 * What indexing one candidate package yields, and the shape of a package that cannot be used. Light
 * (no zod, no package code): the parent side of an isolated scan builds these for a package whose
 * import exited or hung, without loading the scanner.
 */
import { componentType } from "../component-types.ts";
import { knownFlavorsOf } from "../known-packages.ts";
import type { Candidate } from "./candidates.ts";
import type { CandidateReport, IndexedPackage, WatchedFile } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo } from "./flavor-info.ts";

export interface Inspection {
  report: CandidateReport;
  pkg?: IndexedPackage;
  problem?: DiscoveryProblem;
  watch: WatchedFile[];
}

export class PackageProblem extends Error {
  constructor(
    readonly phase: DiscoveryProblem["phase"],
    message: string,
    readonly hint?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function flavorKey(info: { type: string; name: string }): string {
  return `${info.type}/${info.name}`;
}

/** A package that cannot be used: a problem, plus its flavors marked not ready when their names are known. */
export function brokenInspection(
  candidate: Candidate,
  report: CandidateReport,
  root: string | undefined,
  version: string | undefined,
  error: PackageProblem,
): Inspection {
  const problem: DiscoveryProblem = {
    package: candidate.name,
    ...(root ? { root } : {}),
    phase: error.phase,
    message: `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.detail ? { detail: error.detail } : {}),
  };
  report.status = "broken";
  report.problem = problem.message;
  const known = knownFlavorsOf(candidate.name);
  report.flavors = known.map((k) => `${k.type}/${k.flavor}`);
  if (known.length === 0) return { report, problem, watch: [] };
  const source = { kind: "package" as const, package: candidate.name, version: version ?? "0.0.0", root: root ?? "" };
  const flavors: FlavorInfo[] = known.map((k) => ({
    type: k.type,
    name: k.flavor,
    description: `${componentType(k.type).displayName} flavor from ${candidate.name}`,
    source,
    configSchema: {},
    secretFields: [],
    ready: false,
    problem: problem.message,
  }));
  const indexed: IndexedPackage = { name: candidate.name, version: source.version, root: root ?? "", origin: candidate.origin, flavors };
  return { report, problem, pkg: indexed, watch: [] };
}
