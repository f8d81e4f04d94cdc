// Team store figures on the MariaDB and PostgreSQL servers scripts/services/start.sh runs, measured on
// the BUILT packages (`pnpm build` first), each in a database of its own, dropped afterwards:
//   - the latest run of a pipeline among 10,000 recorded runs, through the post-execution API (ms)
//   - local orchestrator overhead per step on a 1,000-step chain with the server as metadata store
//   - `zen stack list` on a shared profile vs on a local profile (ratio)
// Each figure is the best (or the median) of a few repetitions; one line per figure.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (...parts) => import(pathToFileURL(path.join(here, "..", ...parts)).href);
const { createLocalStack, pipeline, step, PipelineRepository } = await load("packages", "core", "dist", "index.js");
const mysql = await load("integrations", "mysql", "dist", "index.js");
const postgres = await load("integrations", "postgres", "dist", "index.js");
const ZEN = path.join(here, "..", "packages", "cli", "bin", "zen.cjs");

const env = Object.fromEntries(
  readFileSync(path.join(here, "..", ".services", "env"), "utf8")
    .split("\n")
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const server = (prefix) => ({
  host: env[`${prefix}_HOST`],
  port: Number(env[`${prefix}_PORT`]),
  user: env[`${prefix}_USER`],
  password: env[`${prefix}_PASSWORD`],
  connectTimeoutMs: 5000,
});
const SERVERS = [
  {
    label: "MariaDB",
    scheme: "mysql",
    adminDb: "mysql",
    server: server("ZEN_MARIADB"),
    connect: mysql.connectMySql,
    Store: mysql.MySqlMetadataStore,
    flavor: "mysql",
  },
  {
    label: "PostgreSQL",
    scheme: "postgresql",
    adminDb: "postgres",
    server: server("ZEN_POSTGRES"),
    connect: postgres.connectPostgres,
    Store: postgres.PostgresMetadataStore,
    flavor: "postgres",
  },
];

const root = mkdtempSync(path.join(tmpdir(), "zen-bench-sql-"));
// A user's project that depends on both driver packages (linked to this workspace's builds).
const project = path.join(root, "project");
mkdirSync(path.join(project, "node_modules", "@zen"), { recursive: true });
writeFileSync(
  path.join(project, "package.json"),
  JSON.stringify({ name: "bench-project", private: true, type: "module", dependencies: { "@zen/integration-mysql": "*", "@zen/integration-postgres": "*" } }),
);
for (const name of ["mysql", "postgres"])
  symlinkSync(path.join(here, "..", "integrations", name), path.join(project, "node_modules", "@zen", `integration-${name}`), "dir");
const quiet = { onEvent: false, handleSignals: false };
const best = (values) => Math.min(...values);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const seed = step({ name: "seed", run: async () => 0 });
const next = step({ name: "next", run: async (x) => x + 1 });
const leaf = step({ name: "leaf", run: async (x) => x });
const STEPS = 1000;
const chain = pipeline("bench-sql-chain", () => {
  let value = seed();
  for (let i = 1; i < STEPS; i++) value = next(value);
});

let stackCount = 0;
function stackWith(s, database) {
  const local = createLocalStack({ root: path.join(root, `stack-${stackCount++}`) });
  const metadataStore = new s.Store({
    id: `bench-${s.flavor}-${stackCount}`,
    name: "team",
    flavor: s.flavor,
    config: { host: s.server.host, port: s.server.port, database, username: s.server.user, password: s.server.password },
    configDir: root,
  });
  return { ...local, metadataStore, components: { ...local.components, metadata_store: metadataStore } };
}

/** A database of its own on each server, dropped afterwards. */
async function withDatabases(servers, work, names = []) {
  if (names.length === servers.length) return work(names);
  const s = servers[names.length];
  const admin = await s.connect({ ...s.server, database: s.adminDb });
  const name = `zen_bench_${process.pid}_${Date.now().toString(36)}`;
  await admin.execute(`CREATE DATABASE ${name}`);
  try {
    return await withDatabases(servers, work, [...names, name]);
  } finally {
    await admin.execute(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  }
}

function zen(args, configDir, extraEnv = {}) {
  const r = spawnSync(process.execPath, [ZEN, ...args], {
    cwd: project,
    env: { PATH: process.env.PATH ?? "", HOME: configDir, ZEN_CONFIG_PATH: configDir, NO_COLOR: "1", ...extraEnv },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`zen ${args.join(" ")} failed:\n${r.stderr}`);
}
/** Median `zen stack list` time of each profile, timed in turns (local, shared, shared, local, …) so all see the same load. */
function stackListMs(profiles) {
  for (const p of profiles) zen(["stack", "list"], p.configDir, p.env); // warm (discovery cache, compile cache)
  const times = profiles.map(() => []);
  for (let i = 0; i < 7; i++) {
    profiles.forEach((p, j) => {
      const start = performance.now();
      zen(["stack", "list"], p.configDir, p.env);
      times[j].push(performance.now() - start);
    });
  }
  return times.map(median);
}

await withDatabases(SERVERS, async (databases) => {
  for (const [index, s] of SERVERS.entries()) {
    const database = databases[index];
    // ── per-step overhead ──
    // Each repetition on a fresh artifact store, so no step is a cache hit. Requests to the server per
    // step (SqlClient.roundTrips) are the load-independent part of the figure.
    const times = [];
    const requests = [];
    for (let i = 0; i < 3; i++) {
      const stack = stackWith(s, database);
      await stack.metadataStore.listPipelines();
      const client = await stack.metadataStore.client();
      const before = client.roundTrips;
      times.push(await timed(() => chain.run({ stack, ...quiet })));
      requests.push((client.roundTrips - before) / STEPS);
      await stack.metadataStore.close();
    }
    const ping = [];
    const probe = await s.connect({ ...s.server, database });
    for (let i = 0; i < 200; i++) ping.push(await timed(() => probe.query("SELECT 1 AS one")));
    await probe.close();
    console.log(
      `${s.label}: local orchestrator overhead per step, ${STEPS}-step chain: ${(best(times) / STEPS).toFixed(2)} ms (target <= 3 ms); ` +
        `${best(requests).toFixed(2)} requests to the server per step, ${median(ping).toFixed(2)} ms median round trip (SELECT 1)`,
    );

    // ── latest run among 10,000 ──
    const RUNS = 10_000;
    const history = stackWith(s, database);
    const metadata = history.metadataStore;
    const pipelines = ["bench-history", "bench-other-1", "bench-other-2", "bench-other-3"];
    const now = () => new Date().toISOString();
    const before = await metadata.countRuns();
    const pending = [];
    for (let i = 0; i < RUNS - 1; i++) {
      const id = `${s.flavor}-run-${i}`;
      pending.push(
        (async () => {
          await metadata.createRun({
            id,
            name: id,
            pipelineName: pipelines[i % pipelines.length],
            stack: { name: "local", components: {} },
            runtimeConfiguration: {},
            parameters: { i },
            enableCache: true,
            startedAt: now(),
            zenVersion: "bench",
            steps: ["load", "train", "evaluate"].map((name) => ({ id: `${id}-${name}`, name, stepName: name, parameters: {}, upstream: [] })),
          });
          await metadata.finishRun(id, { status: "completed", endedAt: now(), durationMs: 1, unfinishedSteps: { pending: "skipped", running: "failed" } });
        })(),
      );
      if (pending.length === 8) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const real = pipeline("bench-history", () => {
      const a = seed();
      leaf(next(a));
    });
    const lastRun = await real.run({ stack: history, ...quiet, runName: `${s.flavor}-the-latest` });
    if ((await metadata.countRuns()) - before !== RUNS) throw new Error("the history does not hold the expected number of runs");
    const lookups = [];
    const client = await metadata.client();
    const requestsBefore = client.roundTrips;
    await (await PipelineRepository.forStack(history).getPipeline("bench-history")).latestRun();
    const lookupRequests = client.roundTrips - requestsBefore;
    for (let i = 0; i < 30; i++) {
      const repository = PipelineRepository.forStack(history);
      let found;
      lookups.push(await timed(async () => (found = await (await repository.getPipeline("bench-history")).latestRun())));
      if (found?.id !== lastRun.id || found.steps.length !== 3) throw new Error("the latest run was not found");
    }
    console.log(
      `${s.label}: latest run of a pipeline among ${RUNS} runs (post-execution API): ${median(lookups).toFixed(2)} ms median, ` +
        `${lookupRequests} requests to the server (target <= 20 ms)`,
    );
    await metadata.close();
  }

  // ── zen stack list on a shared profile vs a local one ──
  const localConfig = mkdtempSync(path.join(root, "local-"));
  zen(["profile", "list"], localConfig);
  const profiles = [{ configDir: localConfig, env: {} }];
  for (const [index, s] of SERVERS.entries()) {
    const teamConfig = mkdtempSync(path.join(root, "team-"));
    const env = { ZEN_STORE_PASSWORD: s.server.password };
    const url = `${s.scheme}://${s.server.user}@${s.server.host}:${s.server.port}/${databases[index]}`;
    zen(["profile", "create", "team", "--store-type", "sql", "--url", url], teamConfig, env);
    zen(["profile", "set", "team"], teamConfig, env);
    profiles.push({ configDir: teamConfig, env });
  }
  const [local, ...shared] = stackListMs(profiles);
  for (const [index, s] of SERVERS.entries()) {
    const ms = shared[index];
    console.log(
      `${s.label}: zen stack list on a shared profile: ${(ms / local).toFixed(2)}x the local profile ` +
        `(${ms.toFixed(0)} ms vs ${local.toFixed(0)} ms; target <= 2x)`,
    );
  }
});
rmSync(root, { recursive: true, force: true });
