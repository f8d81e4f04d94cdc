/**
 * A full discovery scan with the package code kept out of this process. Importing a flavors module
 * runs whatever the package does at the top level; a package that calls `process.exit()`, writes to
 * stdout or never finishes loading must not end, garble or hang the `zen` command that happens to
 * rebuild the index. So the scan runs in one child process (scan-child.ts) for all candidates, with
 * stdout discarded and each import bounded in time; a package that makes the child exit or time out
 * is marked broken with that cause, and a new child continues with the candidates after it.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assembleIndex } from "./assemble-index.ts";
import type { Candidate } from "./candidates.ts";
import { corePackage } from "./core-package.ts";
import type { CandidateReport, DiscoveryIndex } from "./discovery-index.ts";
import type { DiscoveryProblem, FlavorInfo } from "./flavor-info.ts";
import { brokenInspection, PackageProblem, type Inspection } from "./inspection.ts";
import { lookupPackageJson, readJsonFile, type PackageJson } from "./package-json.ts";
import type { ScanMessage, ScanRequest } from "./scan-child.ts";

/** How long one flavors module may take to import (milliseconds); the environment variable shortens it (tests). */
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;
export const IMPORT_TIMEOUT_ENV = "ZEN_DISCOVERY_IMPORT_TIMEOUT_MS";
/** Bound on everything else the child does (starting, describing the built-ins, reading package.json files). */
const IDLE_TIMEOUT_MS = 60_000;

export interface ScanOptions {
  /** Per-import bound in milliseconds (default: the environment variable, else 10 s). */
  importTimeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export function importTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env[IMPORT_TIMEOUT_ENV]);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_IMPORT_TIMEOUT_MS;
}

interface ChildRun {
  builtins?: FlavorInfo[];
  done: Map<number, Inspection>;
  /** The candidate whose import ended the child (exit, signal or timeout), with the cause. */
  failed?: { index: number; root?: string; version?: string | undefined; cause: string };
  /** The child could not start or stopped before any package was imported. */
  unavailable?: string;
  stderr: string;
}

/** How the child is started: the built module, or the TypeScript source through tsx (tests, bin/dev.js). */
function childCommand(): string[] {
  const core = corePackage();
  const entry = join(core.root, core.fromSource ? "src/discovery/index.ts" : "dist/discovery/index.js");
  const code = `const m = await import(${JSON.stringify(pathToFileURL(entry).href)}); await (await m.loadScanChild()).runScanChild();`;
  const loader = core.fromSource
    ? ["--conditions=zen-source", "--import", pathToFileURL(createRequire(join(core.root, "package.json")).resolve("tsx/esm")).href]
    : [];
  return [...loader, "--input-type=module", "-e", code];
}

function runChild(request: ScanRequest, timeoutMs: number, env: Record<string, string | undefined>): Promise<ChildRun> {
  const run: ChildRun = { done: new Map(), stderr: "" };
  const debug = Boolean(env.ZEN_DEBUG);
  return new Promise((resolve) => {
    let finished = false;
    let importing: { index: number; root: string; version: string | undefined } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const child = spawn(process.execPath, childCommand(), {
      // stdout of package code goes nowhere (or to stderr with ZEN_DEBUG); results come over IPC.
      stdio: ["ignore", debug ? 2 : "ignore", "pipe", "ipc"],
      serialization: "json",
    });
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stderr?.destroy();
      if (child.connected) child.disconnect();
      if (exited && !finished && !run.failed && !run.unavailable) blame(exited.code, exited.signal);
      resolve(run);
    };
    /** The child ended on its own: the package being imported (or read) made it. */
    const blame = (code: number | null, signal: NodeJS.Signals | null) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (importing) run.failed = { ...importing, cause: `made the process exit while its flavors module was imported (it ${how})` };
      else if (!run.builtins && request.builtins) run.unavailable = `the discovery process ${how}`;
      else {
        // Between two imports: the next package is the one being read.
        const index = request.offset + run.done.size;
        if (index < request.offset + request.candidates.length) run.failed = { index, cause: `made the process exit while it was indexed (it ${how})` };
      }
    };
    const arm = () => {
      clearTimeout(timer);
      const bound = importing ? timeoutMs : IDLE_TIMEOUT_MS;
      timer = setTimeout(() => {
        if (importing) {
          const seconds = Math.round(timeoutMs / 100) / 10;
          run.failed = { ...importing, cause: `did not finish loading its flavors module within ${seconds} s` };
        } else if (!run.builtins && request.builtins) {
          run.unavailable = `the discovery process did not answer within ${IDLE_TIMEOUT_MS / 1000} s`;
        }
        child.kill("SIGKILL");
      }, bound);
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      run.stderr = (run.stderr + chunk.toString()).slice(-4000);
      if (debug) process.stderr.write(chunk);
    });
    child.on("message", (raw) => {
      const message = raw as ScanMessage;
      if (message.kind === "builtins") run.builtins = message.builtins;
      else if (message.kind === "importing") importing = { index: message.index, root: message.root, version: message.version };
      else if (message.kind === "done") {
        run.done.set(message.index, message.inspection);
        importing = undefined;
      } else if (message.kind === "end") {
        finished = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        return;
      }
      arm();
    });
    child.on("error", (error) => {
      run.unavailable = error.message;
      settle();
    });
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      // Messages sent just before the exit may still be on their way: settle on close (or a moment later).
      setTimeout(settle, 200);
    });
    child.on("close", settle);
    arm();
    child.send(request);
  });
}

function failedInspection(candidate: Candidate, failed: NonNullable<ChildRun["failed"]>, stderr: string): Inspection {
  const report: CandidateReport = {
    package: candidate.name,
    origin: candidate.origin,
    status: "broken",
    flavors: [],
    ...(failed.root ? { root: failed.root } : {}),
  };
  const problem = new PackageProblem(
    "import",
    `'${candidate.name}' ${failed.cause}`,
    `A flavors module must only define flavors: report it to the maintainers of ${candidate.name}, or uninstall it.`,
    stderr.trim() || undefined,
  );
  return brokenInspection(candidate, report, failed.root, failed.version, problem);
}

/** Whether indexing the candidate would import its code: it is installed and declares a `zen` key. */
function declaresFlavors(candidate: Candidate): boolean {
  const lookup = lookupPackageJson(candidate.name, candidate.resolveFrom);
  if (lookup.status === "missing" || !lookup.path) return false;
  try {
    return readJsonFile<PackageJson>(lookup.path)?.zen !== undefined;
  } catch {
    return false; // an unreadable package.json is reported without importing anything
  }
}

/**
 * Describes the built-ins and every candidate, importing package code only in a child process (none
 * is started when no candidate is a flavor package: nothing would be imported). Where no child can
 * be started, falls back to a scan in this process.
 */
export async function scanPackages(
  candidates: readonly Candidate[],
  key: string,
  sourceProblems: readonly DiscoveryProblem[] = [],
  options: ScanOptions = {},
): Promise<DiscoveryIndex> {
  const env = options.env ?? process.env;
  const timeoutMs = options.importTimeoutMs ?? importTimeoutMs(env);
  const inspections: Inspection[] = [];
  let builtins: FlavorInfo[] | undefined;
  if (!candidates.some(declaresFlavors)) {
    const { scanInProcess } = await import("./scan.ts");
    return scanInProcess(candidates, key, sourceProblems);
  }
  while (builtins === undefined || inspections.length < candidates.length) {
    const offset = inspections.length;
    const run = await runChild({ candidates: candidates.slice(offset), offset, builtins: builtins === undefined }, timeoutMs, env);
    builtins ??= run.builtins;
    for (let index = offset; run.done.has(index); index++) inspections.push(run.done.get(index)!);
    if (run.failed && run.failed.index === inspections.length) {
      inspections.push(failedInspection(candidates[run.failed.index]!, run.failed, run.stderr));
      continue;
    }
    if (builtins !== undefined && inspections.length === candidates.length) break;
    // The child itself cannot run here (no process spawning, a broken install): index in this process.
    if (env.ZEN_DEBUG) process.stderr.write(`zen discovery: indexing in this process (${run.unavailable ?? "the child stopped"})\n${run.stderr}`);
    const { describeBuiltins, inspectSafely } = await import("./scan.ts");
    builtins ??= describeBuiltins();
    for (const candidate of candidates.slice(inspections.length)) inspections.push(await inspectSafely(candidate));
  }
  return assembleIndex(builtins, candidates, inspections, key, sourceProblems);
}
