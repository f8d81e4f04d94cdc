/**
 * Checks every database-server driver must pass beyond the store contracts: schema migrations run
 * once under concurrent starts and a newer schema is refused, and connecting fails with one clear
 * error, within the connect timeout and without the password, when the server is down, silent, the
 * password is wrong, the database unknown or TLS impossible.
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { migrateSchema, type SqlMigration } from "../sql-stores/schema-migrations.ts";
import type { SqlServerOptions } from "../sql-stores/server-options.ts";
import type { SqlClient } from "../sql-stores/sql-client.ts";
import { expectRejection } from "./expect-error.ts";

export interface SqlServerFixture {
  /** Options of an empty database of the suite's own, with a password that authenticates. */
  options: SqlServerOptions;
  connect: (options: SqlServerOptions) => Promise<SqlClient>;
  cleanup?: () => Promise<void>;
}

async function silentServer(): Promise<{ server: Server; port: number }> {
  // Accepts TCP connections and never answers: a firewall or a hung server.
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function closedPort(): Promise<number> {
  const { server, port } = await silentServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function describeSqlServerStoreConformance(name: string, makeFixture: () => Promise<SqlServerFixture>): void {
  describe(`database server checks: ${name}`, () => {
    let fixture: SqlServerFixture;
    const clients: SqlClient[] = [];
    const connect = async (options: SqlServerOptions = fixture.options) => {
      const client = await fixture.connect(options);
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      fixture = await makeFixture();
    });

    afterAll(async () => {
      try {
        for (const client of clients.splice(0)) await client.close();
      } finally {
        await fixture?.cleanup?.();
      }
    });

    it("migrates once when several processes start together, and an older zen refuses the newer schema", async () => {
      const migrations: SqlMigration[] = [
        { version: 1, description: "table", statements: () => ["CREATE TABLE zen_conformance_runs (n INTEGER NOT NULL)"] },
        { version: 2, description: "row", statements: () => ["INSERT INTO zen_conformance_runs (n) VALUES (1)"] },
      ];
      const starters = await Promise.all([connect(), connect(), connect(), connect()]);
      const versions = await Promise.all(starters.map((client) => migrateSchema(client, { store: "conformance", migrations })));
      expect(versions).toEqual([2, 2, 2, 2]);
      const rows = await starters[0]!.query("SELECT COUNT(*) AS n FROM zen_conformance_runs");
      expect(Number(rows[0]!.n)).toBe(1);
      await expectRejection(migrateSchema(starters[1]!, { store: "conformance", migrations: migrations.slice(0, 1) }), "ZEN_SCHEMA_TOO_NEW", {
        mentions: "schema version 2",
      });
    });

    it("reports a wrong password without echoing it", async () => {
      const wrong = "not-the-password-Xq7";
      await expectRejection(connect({ ...fixture.options, password: wrong }), "ZEN_STORE_AUTH", { hides: wrong, mentions: fixture.options.user });
    });

    it("reports an unknown database", async () => {
      await expectRejection(connect({ ...fixture.options, database: "zen_no_such_database" }), "ZEN_STORE_NOT_FOUND", {
        hides: fixture.options.password,
        mentions: "zen_no_such_database",
      });
    });

    it("reports a server that is down, at once", async () => {
      const started = Date.now();
      await expectRejection(connect({ ...fixture.options, port: await closedPort() }), "ZEN_STORE_UNREACHABLE", { hides: fixture.options.password });
      expect(Date.now() - started).toBeLessThan(fixture.options.connectTimeoutMs);
    });

    it("gives up on a server that never answers within the connect timeout", async () => {
      const { server, port } = await silentServer();
      try {
        const started = Date.now();
        const error = await expectRejection(connect({ ...fixture.options, port, connectTimeoutMs: 700 }), "ZEN_STORE_UNREACHABLE", {
          hides: fixture.options.password,
        });
        expect(error.message).toMatch(/connect timeout|timeout|no answer/i);
        expect(Date.now() - started).toBeLessThan(700 + 2000);
      } finally {
        server.close();
      }
    });

    it("reports TLS requested from a server without it", async () => {
      await expectRejection(connect({ ...fixture.options, tls: { verify: false } }), "ZEN_STORE_UNREACHABLE", {
        hides: fixture.options.password,
        mentions: "TLS",
      });
    });
  });
}
