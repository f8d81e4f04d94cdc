/**
 * What the mlflow model deployer keeps of each prediction service, one directory per service under
 * the deployer's `service_path`: `service.json` (its config: model, runtime, port, command), `pid`,
 * `port` and `service.log`. Everything a later zen process needs to find, check, stop or restart the
 * service is here; no secret is (credentials reach a process through its environment at start).
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const SERVICE_FORMAT_VERSION = 1;
export const NODE_MODEL_FILE = "node-model.json";

/** The model a Node prediction server serves, written into its service directory by the deployer. */
export interface NodeModelFile {
  /** A file URL of the module exporting the predict function. */
  module: string;
  export: string;
  data: unknown;
  /** What `/version` answers. */
  version: string;
}

export type Runtime = "python" | "node";

export interface ServiceRecord {
  format_version: number;
  name: string;
  /** The registered model and version served. */
  model: string;
  version: string;
  runtime: Runtime;
  /** `models:/<name>/<version>`. */
  modelUri: string;
  /** The logged model (`m-<id>`) behind the version. */
  modelId: string | undefined;
  port: number;
  /** The program and its arguments, absolute: what a restart runs again. */
  command: string[];
  /** A directory put in front of PATH (the Python environment's `bin` for `mlflow models serve`). */
  pathPrefix: string | undefined;
  /** What the user asked for last: a service that should run but does not has failed. */
  desired: "running" | "stopped";
  createdAt: string;
  startedAt: string | undefined;
  /** Why the last start failed. */
  lastError: string | undefined;
}

const SERVICE_FILE = "service.json";
export const LOG_FILE = "service.log";

export function serviceDir(root: string, name: string): string {
  return join(root, name);
}

export async function readService(root: string, name: string): Promise<ServiceRecord | undefined> {
  const text = await readFile(join(serviceDir(root, name), SERVICE_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as ServiceRecord;
    return record.format_version === SERVICE_FORMAT_VERSION && record.name === name ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The services under `root`, by name (directories without a readable service.json are not services; locks start with a dot). */
export async function listServices(root: string): Promise<ServiceRecord[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const records = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => readService(root, e.name)));
  return records.filter((r): r is ServiceRecord => r !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function writeService(root: string, record: ServiceRecord): Promise<void> {
  const dir = serviceDir(root, record.name);
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, SERVICE_FILE), `${JSON.stringify(record, null, 2)}\n`);
  await writeAtomic(join(dir, "port"), `${record.port}\n`);
}

export async function writeNodeModel(root: string, name: string, model: NodeModelFile): Promise<void> {
  await writeAtomic(join(serviceDir(root, name), NODE_MODEL_FILE), JSON.stringify(model));
}

export async function readPid(root: string, name: string): Promise<number | undefined> {
  const text = await readFile(join(serviceDir(root, name), "pid"), "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePid(root: string, name: string, pid: number | undefined): Promise<void> {
  const file = join(serviceDir(root, name), "pid");
  if (pid === undefined) await rm(file, { force: true });
  else await writeAtomic(file, `${pid}\n`);
}

export function logFile(root: string, name: string): string {
  return join(serviceDir(root, name), LOG_FILE);
}

/** The log's text, or its last `lines` lines (read from the end: a service's log may be large). */
export async function readLog(file: string, lines?: number): Promise<string> {
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  if (size === 0) return "";
  if (lines === undefined) return readFile(file, "utf8");
  const handle = await open(file, "r");
  try {
    const length = Math.min(size, Math.max(4096, lines * 400));
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8").replace(/\n$/, "");
    return `${text.split("\n").slice(-lines).join("\n")}\n`;
  } finally {
    await handle.close();
  }
}

export async function removeService(root: string, name: string): Promise<void> {
  await rm(serviceDir(root, name), { recursive: true, force: true });
}

/**
 * Runs `fn` holding the service's lock (a directory next to the service's: `mkdir` is atomic), so that
 * two zen processes never start, stop or replace one service at once. A lock whose holder died is taken over.
 */
export async function withServiceLock<T>(root: string, name: string, fn: () => Promise<T>, waitMs = 300_000): Promise<T> {
  const lock = join(root, `.${name}.lock`);
  await mkdir(root, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(join(lock, "pid"), "utf8").catch(() => "")).trim());
      if (holder > 0 && !alive(holder)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`service '${name}' stayed locked by process ${holder || "?"} for ${Math.round(waitMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await writeFile(join(lock, "pid"), `${process.pid}\n`);
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
