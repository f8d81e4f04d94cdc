/**
 * Behaviour of the SQL metadata stores on a real server beyond the conformance kit, shared by the
 * MariaDB and PostgreSQL tests: how many requests a pipeline step costs (the figure that bounds the
 * local orchestrator's overhead per step, whatever the machine's load), and a run whose server goes
 * away mid-run, through a TCP forwarder the test closes and reopens (the shared server keeps running).
 */
import { spawnSync } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { createLocalStack, PipelineRepository, pipeline, step, type LoadedStack } from "@zen/core";
import type { SqlClient, SqlMetadataStore, SqlServerConfig } from "@zen/core/sql-stores";
import { makeTempDir } from "@zen/test-utils";

/** A store class of a driver package (`MySqlMetadataStore`, `PostgresMetadataStore`). */
type StoreClass = new (options: { id: string; name: string; flavor: string; config: SqlServerConfig; configDir: string }) => SqlMetadataStore<SqlServerConfig>;

export interface MetadataServerFixture {
  flavor: string;
  Store: StoreClass;
  /** The source module exporting Store, for a child process. */
  storeModule: string;
  /** A database of its own: its store config, and how to drop it. */
  database(): Promise<{ config: SqlServerConfig; drop(): Promise<void> }>;
}

/** Forwards 127.0.0.1:<port> to the server; stop() refuses new connections and cuts the open ones, resume() listens again. */
class TcpForwarder {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(readonly target: { host: string; port: number }) {}

  async start(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => (socket === client ? upstream : client).destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  }

  resume(): Promise<void> {
    return this.start(this.port);
  }
}

/** Exposes the store's client, to read its request count. */
function counted(store: SqlMetadataStore<SqlServerConfig>): Promise<SqlClient> {
  return (store as unknown as { client(): Promise<SqlClient> }).client();
}

function stackOn(store: SqlMetadataStore<SqlServerConfig>): LoadedStack {
  const local = createLocalStack({ root: makeTempDir("zen-sql-metadata-") });
  return { ...local, metadataStore: store, components: { ...local.components, metadata_store: store } };
}

const quiet = { onEvent: false, handleSignals: false } as const;

export function describeMetadataServerBehaviour(label: string, fixture: MetadataServerFixture): void {
  const newStore = (config: SqlServerConfig) =>
    new fixture.Store({ id: `${fixture.flavor}-behaviour`, name: "team", flavor: fixture.flavor, config, configDir: "/nonexistent" });

  describe(`${label} metadata store on a server`, () => {
    it("records a pipeline step in 3 requests to the server (2 when cached) and reads a run back in 3", async () => {
      const db = await fixture.database();
      const store = newStore(db.config);
      try {
        const STEPS = 40;
        const first = step({ name: "first", run: async () => 1 });
        const add = step({ name: "add", run: async (x: number) => x + 1 });
        const chain = pipeline("round_trips", () => {
          let value = first();
          for (let i = 1; i < STEPS; i++) value = add(value);
        });
        const stack = stackOn(store);
        const client = await counted(store);
        const runTrips = async (): Promise<number> => {
          const before = client.roundTrips;
          await chain.run({ stack, ...quiet });
          return client.roundTrips - before;
        };
        // Per step: the cache lookup (with the latest execution, to say why it missed), running, its outcome.
        // Per run, 5 more: record the run (and read it back), finish it, read it with its steps for the returned view.
        expect(await runTrips()).toBeLessThanOrEqual(3 * STEPS + 5);
        expect(await runTrips()).toBeLessThanOrEqual(2 * STEPS + 5);

        // The post-execution API reads the latest run, its steps, their lineage and artifacts in 3 requests.
        const before = client.roundTrips;
        const latest = await (await PipelineRepository.forStack(stack).getPipeline("round_trips")).latestRun();
        expect(client.roundTrips - before).toBeLessThanOrEqual(3);
        expect(latest?.steps.map((s) => s.status)).toEqual(Array(STEPS).fill("cached"));
        expect(latest?.steps.at(-1)?.inputs.input?.id).toBe(latest?.steps.at(-2)?.outputs.output?.id);
      } finally {
        await store.close();
        await db.drop();
      }
    }, 120_000);

    it("keeps recording after the tables changed under its prepared statements (another zen migrated them)", async () => {
      const db = await fixture.database();
      const store = newStore(db.config);
      try {
        const one = step({ name: "one", run: async () => 1 });
        const two = step({ name: "two", run: async (x: number) => x + 1 });
        const small = pipeline("schema_change", () => {
          two(one());
        });
        const stack = stackOn(store);
        // Every statement of a step has run more than once (so it is prepared) before the tables change.
        expect((await small.run({ stack, ...quiet })).steps.map((s) => s.status)).toEqual(["completed", "completed"]);
        expect((await small.run({ stack, ...quiet })).steps.map((s) => s.status)).toEqual(["cached", "cached"]);
        await (await counted(store)).execute("ALTER TABLE zen_steps ADD zen_added_later INTEGER");
        const view = await small.run({ stack, ...quiet });
        expect(view.steps.map((s) => s.status)).toEqual(["cached", "cached"]);
      } finally {
        await store.close();
        await db.drop();
      }
    }, 120_000);

    it("marks a run failed, with the reason, when its server went away mid-run and came back", async () => {
      const db = await fixture.database();
      const forwarder = new TcpForwarder({ host: db.config.host, port: db.config.port! });
      await forwarder.start();
      const store = newStore({ ...db.config, port: forwarder.port });
      const reader = newStore(db.config);
      try {
        let back: Promise<void> | undefined;
        const before = step({ name: "before", run: async () => 1 });
        const during = step({
          name: "during",
          run: async (x: number) => {
            // The server goes away while this step runs, and is back 1.5 s later.
            await forwarder.stop();
            back = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => forwarder.resume());
            return x + 1;
          },
        });
        const after = step({ name: "after", run: async (x: number) => x + 1 });
        const outage = pipeline("outage", () => {
          after(during(before()));
        });
        await expect(outage.run({ stack: stackOn(store), ...quiet, runName: "outage_run" })).rejects.toThrow(/unreachable/);
        await back;

        const run = await reader.getRun("outage_run");
        expect(run).toMatchObject({ status: "failed" });
        expect(run?.endedAt).toBeDefined();
        expect(run?.error).toMatch(/step 'during' failed: The metadata store at \S+ became unreachable/);
        const steps = Object.fromEntries((await reader.listSteps([run!.id])).map((s) => [s.name, s.status]));
        expect(steps).toEqual({ before: "completed", during: "failed", after: expect.stringMatching(/^(failed|skipped)$/) });
      } finally {
        await store.close();
        await reader.close();
        await forwarder.stop();
        await db.drop();
      }
    }, 120_000);

    it("shows a run whose process ended without finishing it as crashed: failed, its running step failed, the rest skipped", async () => {
      const db = await fixture.database();
      const reader = newStore(db.config);
      try {
        const child = spawnSync(
          process.execPath,
          [
            "--conditions=zen-source",
            "--import",
            "tsx",
            join(dirname(fileURLToPath(import.meta.url)), "metadata-child-run.ts"),
            fixture.storeModule,
            fixture.Store.name,
            JSON.stringify(db.config),
            "crashing",
            "crashed_run",
          ],
          { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
        );
        expect(child.stderr).toBe("");
        expect(child.status).toBe(0);

        const run = await reader.getRun("crashed_run");
        expect(run?.status).toBe("failed");
        expect(run?.error).toBe(`crashed: process ${child.pid} on ${hostname()} is no longer running`);
        expect((await reader.listSteps([run!.id])).map((s) => [s.name, s.status, s.error])).toEqual([
          ["first", "failed", `the run crashed: process ${child.pid} on ${hostname()} is no longer running`],
          ["second", "skipped", undefined],
        ]);
        const ids = async (status: "running" | "failed") => (await reader.queryRuns({ pipelineName: "crashing", status, limit: 5 })).runs.map((r) => r.id);
        expect(await ids("failed")).toEqual([run!.id]);
        expect(await ids("running")).toEqual([]);
      } finally {
        await reader.close();
        await db.drop();
      }
    }, 120_000);
  });
}
