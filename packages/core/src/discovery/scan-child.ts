/**
 * The child process of an isolated scan (isolated-scan.ts). It describes the built-ins, then indexes
 * the candidates it is sent, one at a time, telling the parent before each import and after each
 * package. A flavors module runs arbitrary code when imported: here `process.exit()` throws instead
 * of exiting (and the package is marked broken), stdout goes nowhere, and a stray exception thrown
 * later by a package's timer does not end the scan. Whatever still kills the process (or hangs it)
 * is handled by the parent.
 */
import type { Candidate } from "./candidates.ts";
import type { FlavorInfo } from "./flavor-info.ts";
import { brokenInspection, PackageProblem, type Inspection } from "./inspection.ts";

export interface ScanRequest {
  candidates: Candidate[];
  /** Index of the first candidate in the whole scan (a restarted child continues a scan). */
  offset: number;
  builtins: boolean;
}

export type ScanMessage =
  | { kind: "builtins"; builtins: FlavorInfo[] }
  | { kind: "importing"; index: number; root: string; version: string | undefined }
  | { kind: "done"; index: number; inspection: Inspection }
  | { kind: "end" };

function send(message: ScanMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));
}

export async function runScanChild(): Promise<void> {
  const exit = process.exit.bind(process);
  let exitCalls: (string | number | null | undefined)[] | undefined;
  process.exit = ((code?: string | number | null) => {
    exitCalls?.push(code ?? process.exitCode ?? 0);
    throw new Error(`it called process.exit(${code ?? ""})`);
  }) as typeof process.exit;
  // Thrown by a package's callbacks after (or while) it was imported: not a reason to stop indexing.
  process.on("uncaughtException", (error) => process.stderr.write(`zen discovery: ${error instanceof Error ? error.stack : String(error)}\n`));
  process.on("unhandledRejection", () => {});
  if (!process.send) throw new Error("The discovery child needs an IPC channel.");

  const request = await new Promise<ScanRequest>((resolve) => process.once("message", (message) => resolve(message as ScanRequest)));
  const { describeBuiltins, inspectSafely } = await import("./scan.ts");
  if (request.builtins) await send({ kind: "builtins", builtins: describeBuiltins() });
  for (const [position, candidate] of request.candidates.entries()) {
    const index = request.offset + position;
    let importedFrom: { root: string; version: string | undefined } | undefined;
    exitCalls = [];
    let inspection: Inspection = await inspectSafely(candidate, async (root, version) => {
      importedFrom = { root, version };
      await send({ kind: "importing", index, root, version });
    });
    const calls = exitCalls;
    exitCalls = undefined;
    if (calls.length > 0) {
      const problem = new PackageProblem(
        "import",
        `'${candidate.name}' called process.exit(${String(calls[0] ?? "")}) while its flavors module was imported`,
        `A flavors module must only define flavors: report it to the maintainers of ${candidate.name}, or uninstall it.`,
      );
      const report = {
        package: candidate.name,
        origin: candidate.origin,
        status: "broken" as const,
        flavors: [],
        ...(importedFrom ? { root: importedFrom.root } : {}),
      };
      inspection = brokenInspection(candidate, report, importedFrom?.root, importedFrom?.version, problem);
    }
    await send({ kind: "done", index, inspection });
  }
  await send({ kind: "end" });
  exit(0);
}
