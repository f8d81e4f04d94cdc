/**
 * A page of runs in SQL, for the stores that keep runs in a table with an increasing `seq` (SQLite,
 * MySQL/MariaDB, PostgreSQL): filters and paging happen in the database, by index, whatever the
 * length of the history.
 */
import { checkRunPageQuery, type RunPage, type RunPageQuery } from "./run-page.ts";
import type { RunRecord, RunStatus } from "./run-records.ts";

type Row = Record<string, unknown>;

export interface SqlPart {
  sql: string;
  params: unknown[];
}

export interface RunPageSql {
  /** `SELECT … FROM <runs> r JOIN <pipelines> p ON …`: the columns `toRun` reads, `r.seq` among them. */
  select: string;
  runs: string;
  pipelines: string;
  /** An expression for the name of run r's stack. */
  stackName: string;
  /** The condition on run r for a status as read (where a store computes crashed runs, it says so here). */
  status(status: RunStatus): SqlPart;
  query(sql: string, params: unknown[]): Promise<Row[]> | Row[];
  toRun(row: Row): RunRecord;
}

export async function queryRunPage(query: RunPageQuery, s: RunPageSql): Promise<RunPage> {
  checkRunPageQuery(query);
  const filters: SqlPart[] = [];
  if (query.pipelineName !== undefined) filters.push({ sql: `r.pipeline_id = (SELECT id FROM ${s.pipelines} WHERE name = ?)`, params: [query.pipelineName] });
  if (query.stackName !== undefined) filters.push({ sql: `${s.stackName} = ?`, params: [query.stackName] });
  if (query.status !== undefined) filters.push(s.status(query.status));
  const where = (extra: SqlPart[] = []): SqlPart => {
    const parts = [...filters, ...extra];
    return { sql: parts.length === 0 ? "" : ` WHERE ${parts.map((p) => p.sql).join(" AND ")}`, params: parts.flatMap((p) => p.params) };
  };
  const count = async () => {
    const w = where();
    return Number((await s.query(`SELECT COUNT(*) AS n FROM ${s.runs} r${w.sql}`, w.params))[0]!.n);
  };
  const exists = async (comparison: string, seq: number) => {
    const w = where([{ sql: `r.seq ${comparison} ?`, params: [seq] }]);
    return (await s.query(`SELECT 1 AS found FROM ${s.runs} r${w.sql} LIMIT 1`, w.params)).length > 0;
  };

  const cursor = query.before ?? query.after;
  let seq: number | undefined;
  if (cursor !== undefined) {
    const found = await s.query(`SELECT seq FROM ${s.runs} WHERE id = ?`, [cursor]);
    if (found.length === 0) return { runs: [], total: await count(), hasOlder: false, hasNewer: false };
    seq = Number(found[0]!.seq);
  }
  const newer = query.after !== undefined;
  const w = where(seq === undefined ? [] : [{ sql: newer ? "r.seq > ?" : "r.seq < ?", params: [seq] }]);
  const rows = await s.query(`${s.select}${w.sql} ORDER BY r.seq ${newer ? "ASC" : "DESC"} LIMIT ?`, [...w.params, query.limit + 1]);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (newer) page.reverse();
  const newest = page.length > 0 ? Number(page[0]!.seq) : undefined;
  const oldest = page.length > 0 ? Number(page.at(-1)!.seq) : undefined;
  const [total, hasOlder, hasNewer] = await Promise.all([
    count(),
    !newer ? more : oldest !== undefined ? exists("<", oldest) : exists("<=", seq!),
    newer ? more : seq === undefined ? false : newest !== undefined ? exists(">", newest) : exists(">=", seq),
  ]);
  return { runs: page.map((row) => s.toRun(row)), total, hasOlder, hasNewer };
}
