/**
 * `SqlClient` over pg: a small pool; `?` placeholders become `$1…$n` (zen's SQL has no `?` inside
 * literals). Transactions run at READ COMMITTED (the default), so a transaction that waited for the
 * store's lock row then reads what the previous writer committed.
 */
import {
  connectError,
  describeTarget,
  tlsSettings,
  withConnectTimeout,
  type ConnectFailure,
  type Row,
  type SqlClient,
  retryTransaction,
  type SqlConnection,
  type SqlServerOptions,
  type SqlStatement,
  loadDriverLibrary,
} from "@zen/core/sql-stores/driver";
import type pg from "pg";

/** Deadlock, serialization failure: the transaction is retried from the start. */
const RETRYABLE = new Set(["40P01", "40001"]);

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Counts every request sent to the server (`SqlClient.roundTrips`). */
interface Counter {
  trips: number;
}

/** Beyond this many distinct statements, new ones run unnamed (each named one is kept by every pooled connection). */
const MAX_NAMED = 200;

/**
 * Names for the statements a client runs more than once: pg prepares a named statement once per
 * connection, so the server parses and plans it once instead of on every run (half the time of a
 * per-step lookup on a busy server).
 */
class StatementNames {
  readonly #seen = new Map<string, string | number>();
  #next = 0;

  #off = false;

  nameFor(text: string): string | undefined {
    if (this.#off) return undefined;
    const entry = this.#seen.get(text);
    if (typeof entry === "string") return entry;
    if (entry === undefined) {
      if (this.#seen.size < MAX_NAMED) this.#seen.set(text, 1);
      return undefined;
    }
    const name = `zen_${++this.#next}`;
    this.#seen.set(text, name);
    return name;
  }

  /** After the schema changed under a prepared statement: prepared again, under a new name, on its next use. */
  forget(text: string): void {
    this.#seen.set(text, 1);
  }

  /** Behind a pooler that hands each statement another server connection (PgBouncer in transaction mode): no names. */
  stop(): void {
    this.#off = true;
  }
}

/** PostgreSQL refuses a prepared statement whose tables changed (another zen migrated the schema meanwhile). */
const isStalePlan = (error: unknown) => (error as { code?: string }).code === "0A000" && /cached plan/i.test(String((error as Error).message));
/** A prepared statement missing, or there already, on the server connection: a transaction-mode pooler sits in between. */
const isPooled = (error: unknown) => ["26000", "42P05"].includes((error as { code?: string }).code ?? "");

function adapt(connection: pg.Pool | pg.PoolClient, counter: Counter, names?: StatementNames): SqlConnection {
  const run = async (sql: string, params: readonly unknown[]): Promise<pg.QueryResult> => {
    counter.trips++;
    const text = numbered(sql);
    const name = params.length > 0 ? names?.nameFor(text) : undefined;
    if (name === undefined) return connection.query(text, params as unknown[]);
    try {
      return await connection.query({ name, text, values: params as unknown[] });
    } catch (error) {
      if (isStalePlan(error)) names!.forget(text);
      else if (isPooled(error)) names!.stop();
      else throw error;
      counter.trips++;
      return connection.query(text, params as unknown[]);
    }
  };
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await run(sql, params)).rows as R[];
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
      return (await run(sql, params)).rowCount ?? 0;
    },
  };
}

/** A value as an SQL literal, for the simple-protocol requests of batch() (which take no parameters). */
function literal(value: unknown, escapeLiteral: (text: string) => string): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot store the number ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return escapeLiteral(String(value));
}

function inlined(sql: string, params: readonly unknown[], escapeLiteral: (text: string) => string): string {
  let n = 0;
  return sql.replace(/\?/g, () => literal(params[n++], escapeLiteral));
}

/** Connection failures: node socket errors, the driver's "Connection terminated", server shutdown (57P) and connection exceptions (08). */
function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  const code = e.code ?? "";
  return (
    code === "ZEN_STORE_UNREACHABLE" ||
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(code) ||
    code.startsWith("08") ||
    code.startsWith("57P") ||
    (!code && /connection (terminated|ended)|not queryable|terminated unexpectedly/i.test(String(e.message ?? "")))
  );
}

function classify(error: unknown): ConnectFailure {
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? "");
  if (e.code === "ZEN_CONNECT_TIMEOUT" || e.code === "ETIMEDOUT" || /timeout/i.test(message)) return "timeout";
  if (e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" || e.code === "ECONNRESET") return "unreachable";
  // No password given to a server that wants one (see the pool's `password` below).
  if (e.code === "28P01" || /client password must be/i.test(message)) return "auth";
  if (e.code === "3D000") return "unknown-database";
  if (/ssl|tls|encryption|certificate/i.test(message)) return "tls";
  if (e.code === "28000") return "auth";
  return "other";
}

/** Connects (one round trip to check it) and returns the client; a clear ZenError otherwise. */
export async function connectPostgres(options: SqlServerOptions): Promise<SqlClient> {
  const target = describeTarget("postgresql", options);
  const { Pool, escapeLiteral } = await loadDriverLibrary<typeof pg>("pg", import.meta.url, async () => (await import("pg")).default);
  const pool = new Pool({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    // Asked for only when the server wants one. Without one, the half-open connection is closed at once:
    // pg would leave it to the server's authentication_timeout (60 s), keeping the process alive.
    password:
      options.password ??
      function (this: pg.Client) {
        this.end().catch(() => undefined);
        throw new Error("client password must be given: the server asks for one");
      },
    ssl: options.tls ? tlsSettings(options.tls) : false,
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: 8,
    idleTimeoutMillis: 30_000,
    // Idle connections do not keep a CLI process alive.
    allowExitOnIdle: true,
    application_name: "zen",
  });
  // An error on an idle connection (server restart) must not crash the process.
  pool.on("error", () => undefined);
  const checkout = async (): Promise<pg.PoolClient> => {
    try {
      return await withConnectTimeout(options.connectTimeoutMs, pool.connect(), (c) => c.release());
    } catch (error) {
      throw connectError(target, classify(error), error, options.password);
    }
  };
  try {
    (await checkout()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const withConnection = async <T>(work: (connection: pg.PoolClient) => Promise<T>): Promise<T> => {
    const connection = await checkout();
    let broken: Error | undefined;
    try {
      return await work(connection);
    } catch (error) {
      // A connection whose transaction state is unknown is discarded, not reused.
      if (!(error as { code?: string }).code) broken = error as Error;
      throw error;
    } finally {
      connection.release(broken);
    }
  };

  const counter: Counter = { trips: 0 };
  // Outside transactions only: a statement that fails on a changed schema is then simply run again.
  const base = adapt(pool, counter, new StatementNames());
  const retryable = (error: unknown) => RETRYABLE.has((error as { code?: string }).code ?? "");
  return {
    dialect: "postgres",
    target,
    get roundTrips() {
      return counter.trips;
    },
    query: base.query,
    execute: base.execute,
    transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T> {
      return retryTransaction(retryable, () =>
        withConnection(async (connection) => {
          counter.trips++;
          await connection.query("BEGIN");
          try {
            const result = await work(adapt(connection, counter));
            counter.trips++;
            await connection.query("COMMIT");
            return result;
          } catch (error) {
            counter.trips++;
            await connection.query("ROLLBACK").catch(() => undefined);
            throw error;
          }
        }),
      );
    },
    batch(statements: readonly SqlStatement[]): Promise<number[]> {
      // One simple-protocol request runs every statement in one implicit transaction: all or nothing.
      const sql = statements.map((s) => inlined(s.sql, s.params ?? [], escapeLiteral)).join(";\n");
      return retryTransaction(retryable, async () => {
        counter.trips++;
        const result = (await pool.query(sql)) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(result) ? result : [result]).map((r) => r.rowCount ?? 0);
      });
    },
    async queryBatch(statements: readonly SqlStatement[]): Promise<Row[][]> {
      counter.trips++;
      const result = (await pool.query(statements.map((s) => inlined(s.sql, s.params ?? [], escapeLiteral)).join(";\n"))) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result : [result]).map((r) => (r.rows ?? []) as Row[]);
    },
    withLock<T>(name: string, work: (connection: SqlConnection) => Promise<T>): Promise<T> {
      return withConnection(async (connection) => {
        counter.trips++;
        await connection.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
        try {
          return await work(adapt(connection, counter));
        } finally {
          counter.trips++;
          await connection.query("SELECT pg_advisory_unlock(hashtext($1))", [name]).catch(() => undefined);
        }
      });
    },
    isUniqueViolation: (error) => (error as { code?: string }).code === "23505",
    isConnectionLost,
    close: () => pool.end(),
  };
}
