/**
 * Steps of runs with their lineage and artifacts in ONE request: the post-execution API reads a run
 * as listSteps → listStepLinks → getArtifacts, three calls that would each wait for the server. The
 * store answers the two follow-ups from what this request returned (a snapshot taken with the steps,
 * so all three agree), as long as nothing was written meanwhile and it is fresh.
 */
import type { ArtifactRecord, StepArtifactLink, StepRecord } from "../components/run-records.ts";
import { toArtifact, toLink, toStepOfRun } from "./metadata-rows.ts";
import type { Row, SqlClient } from "./sql-client.ts";

/** How long the lineage read with listSteps() answers the follow-ups (the post-execution API asks right after). */
const FRESH_MS = 2000;

export const STEPS_OF_RUNS = (marks: string) =>
  `SELECT s.*, r.status AS run_status, r.owner_json AS run_owner FROM zen_steps s JOIN zen_runs r ON r.id = s.run_id
   WHERE s.run_id IN (${marks}) ORDER BY s.run_id, s.position`;

/** Inputs (side 0) and outputs (side 1) of the steps a condition on `s` selects. */
export const LINKS_OF = (where: string) =>
  `SELECT 0 AS zen_side, l.* FROM zen_step_inputs l JOIN zen_steps s ON s.id = l.step_id WHERE ${where}
   UNION ALL SELECT 1 AS zen_side, l.* FROM zen_step_outputs l JOIN zen_steps s ON s.id = l.step_id WHERE ${where}`;

export function splitLinks(rows: Row[]): { inputs: StepArtifactLink[]; outputs: StepArtifactLink[] } {
  return { inputs: rows.filter((r) => Number(r.zen_side) === 0).map(toLink), outputs: rows.filter((r) => Number(r.zen_side) === 1).map(toLink) };
}

interface Lineage {
  at: number;
  stepIds: Set<string>;
  inputs: StepArtifactLink[];
  outputs: StepArtifactLink[];
  artifacts: Map<string, ArtifactRecord>;
}

export class LineageReads {
  #seen: Lineage | undefined;

  /** The steps of the runs (at most one IN list of `runIds`), remembering their lineage for the follow-ups. */
  async steps(client: SqlClient, runIds: readonly string[]): Promise<StepRecord[]> {
    const marks = runIds.map(() => "?").join(", ");
    const inRuns = `s.run_id IN (${marks})`;
    const [steps, links, artifacts] = await client.queryBatch([
      { sql: STEPS_OF_RUNS(marks), params: runIds },
      { sql: LINKS_OF(inRuns), params: [...runIds, ...runIds] },
      {
        sql: `SELECT a.* FROM (SELECT l.artifact_id FROM zen_step_inputs l JOIN zen_steps s ON s.id = l.step_id WHERE ${inRuns}
              UNION SELECT l.artifact_id FROM zen_step_outputs l JOIN zen_steps s ON s.id = l.step_id WHERE ${inRuns}) used
              JOIN zen_artifacts a ON a.id = used.artifact_id`,
        params: [...runIds, ...runIds],
      },
    ]);
    const records = steps!.map(toStepOfRun);
    this.#seen = {
      at: Date.now(),
      stepIds: new Set(records.map((s) => s.id)),
      ...splitLinks(links!),
      artifacts: new Map(artifacts!.map((r) => [String(r.id), toArtifact(r)])),
    };
    return records;
  }

  /** Links of these steps if all were read with the last steps(), else undefined. */
  links(stepIds: readonly string[]): { inputs: StepArtifactLink[]; outputs: StepArtifactLink[] } | undefined {
    const seen = this.#fresh();
    if (!seen || !stepIds.every((id) => seen.stepIds.has(id))) return undefined;
    const wanted = new Set(stepIds);
    return { inputs: seen.inputs.filter((l) => wanted.has(l.stepId)), outputs: seen.outputs.filter((l) => wanted.has(l.stepId)) };
  }

  /** These artifacts if all were read with the last steps(), else undefined. */
  artifacts(ids: readonly string[]): ArtifactRecord[] | undefined {
    const seen = this.#fresh();
    if (!seen || !ids.every((id) => seen.artifacts.has(id))) return undefined;
    return [...new Set(ids)].map((id) => seen.artifacts.get(id)!);
  }

  /** A write happened: what was read before may be outdated. */
  forget(): void {
    this.#seen = undefined;
  }

  #fresh(): Lineage | undefined {
    if (this.#seen && Date.now() - this.#seen.at > FRESH_MS) this.#seen = undefined;
    return this.#seen;
  }
}
