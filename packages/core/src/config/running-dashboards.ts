/**
 * Which dashboards are serving on this machine, so that commands printing a run can print its page:
 * `zen dashboard` leaves a small file in the config directory's cache while it serves, named by its
 * process tag; it removes it on exit, and readers ignore (and remove) files of processes that are gone.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { isTaggedProcessAlive, PROCESS_TAG_PATTERN, processTag } from "../fs/process-alive.ts";

export interface RunningDashboard {
  /** The address its pages are under, without a token: `http://127.0.0.1:8237/`. */
  url: string;
  profile: string;
  stack: string;
  /** The id of the metadata store it reads runs from. */
  metadataStoreId: string;
}

const FILE = new RegExp(`^dashboard-(${PROCESS_TAG_PATTERN})-(\\d+)\\.json$`);

export function dashboardsDir(configDir: string): string {
  return join(configDir, "cache", "dashboards");
}

/** Records a serving dashboard; the returned function removes the record (call it when the server closes). */
export async function registerDashboard(configDir: string, dashboard: RunningDashboard, port: number): Promise<() => void> {
  const file = join(dashboardsDir(configDir), `dashboard-${processTag()}-${port}.json`);
  await writeFileAtomic(file, `${JSON.stringify(dashboard)}\n`, undefined, { durable: false });
  const remove = () => rmSync(file, { force: true });
  process.once("exit", remove);
  return () => {
    process.off("exit", remove);
    remove();
  };
}

/** The dashboards serving now (records of ended processes are removed on the way). */
export function runningDashboards(configDir: string): RunningDashboard[] {
  const dir = dashboardsDir(configDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: RunningDashboard[] = [];
  for (const name of names.sort()) {
    const match = FILE.exec(name);
    if (!match) continue;
    if (!isTaggedProcessAlive(match[1]!)) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    try {
      const record = JSON.parse(readFileSync(join(dir, name), "utf8")) as RunningDashboard;
      if (typeof record.url === "string" && typeof record.profile === "string") found.push(record);
    } catch {
      // being replaced or removed right now
    }
  }
  return found;
}

/**
 * The page of a run on a dashboard serving `profile` and reading the metadata store the run is in
 * (its stack's first, else any reading that store), if one is serving.
 */
export function dashboardRunUrl(configDir: string, where: { profile: string; stack: string; metadataStoreId: string }, runId: string): string | undefined {
  const candidates = runningDashboards(configDir).filter((d) => d.profile === where.profile && d.metadataStoreId === where.metadataStoreId);
  const dashboard = candidates.find((d) => d.stack === where.stack) ?? candidates[0];
  return dashboard ? `${dashboard.url}#/runs/${encodeURIComponent(runId)}` : undefined;
}
