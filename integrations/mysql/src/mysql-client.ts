/**
 * `SqlClient` over mysql2: a small pool (a metadata store records steps of parallel runs; a profile
 * store runs one transaction at a time). Transactions use READ COMMITTED, so a transaction that
 * waited for the store's lock row then reads what the previous writer committed.
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
import type mysql from "mysql2/promise";

/** Deadlock, lock wait timeout: the transaction is retried from the start. */
const RETRYABLE = new Set([1213, 1205]);
/** Advisory locks wait this long at most (migrations are quick). */
const LOCK_WAIT_S = 120;

type Queryable = Pick<mysql.PoolConnection, "query">;

/** Counts every request sent to the server (`SqlClient.roundTrips`). */
interface Counter {
  trips: number;
}

function adapt(connection: Queryable, counter: Counter): SqlConnection {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      counter.trips++;
      const [rows] = await connection.query(sql, params as unknown[]);
      return rows as R[];
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
      counter.trips++;
      const [result] = await connection.query(sql, params as unknown[]);
      return (result as mysql.ResultSetHeader).affectedRows ?? 0;
    },
  };
}

/** Errors of a connection that broke or could not be made (the driver marks them fatal), and our own unreachable error. */
function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; fatal?: boolean };
  return (
    e.fatal === true ||
    e.code === "ZEN_STORE_UNREACHABLE" ||
    ["PROTOCOL_CONNECTION_LOST", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(e.code ?? "")
  );
}

function classify(error: unknown): ConnectFailure {
  const e = error as { code?: string; errno?: number };
  if (e.code === "ZEN_CONNECT_TIMEOUT" || e.code === "ETIMEDOUT") return "timeout";
  if (e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" || e.code === "ECONNRESET") return "unreachable";
  if (e.errno === 1045 || e.errno === 1044 || e.errno === 1698) return "auth";
  if (e.errno === 1049) return "unknown-database";
  if (e.code === "HANDSHAKE_NO_SSL_SUPPORT" || e.errno === 3159 || /ssl|tls|certificate/i.test(String((error as Error).message))) return "tls";
  return "other";
}

/** Connects (one round trip to check it) and returns the client; a clear ZenError otherwise. */
export async function connectMySql(options: SqlServerOptions, scheme = "mysql"): Promise<SqlClient> {
  const target = describeTarget(scheme, options);
  const { createPool } = await loadDriverLibrary<typeof mysql>("mysql2", import.meta.url, async () => (await import("mysql2/promise")).default);
  const pool = createPool({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: options.tls ? tlsSettings(options.tls) : undefined,
    connectTimeout: options.connectTimeoutMs,
    // maxIdle = connectionLimit: mysql2 then runs no idle-reaping timer, which would keep a CLI process alive.
    connectionLimit: 8,
    maxIdle: 8,
    // Keep values as text/numbers: ISO timestamps are stored as VARCHAR, nothing is a DATE.
    dateStrings: true,
    supportBigNumbers: true,
    charset: "utf8mb4_unicode_ci",
    // batch(): several statements in one request. Every value is still escaped by the driver.
    multipleStatements: true,
  });
  // A pool error on an idle connection (server restart) must not crash the process, and an idle
  // connection must not keep it alive: its socket is unreferenced while it waits in the pool.
  type Streamed = { stream?: { ref?: () => void; unref?: () => void } };
  pool.on("connection", (connection) => connection.on("error", () => undefined));
  // Transactions run at READ COMMITTED, set once per connection in the same request as its first
  // START TRANSACTION: no request of its own, and none for a connection that only reads.
  const committedReads = new WeakSet<object>();
  const begin = (connection: mysql.PoolConnection): string => {
    const core = (connection as unknown as { connection: object }).connection;
    if (committedReads.has(core)) return "START TRANSACTION";
    committedReads.add(core);
    return "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;\nSTART TRANSACTION";
  };
  pool.on("acquire", (connection) => (connection as unknown as Streamed).stream?.ref?.());
  pool.on("release", (connection) => (connection as unknown as Streamed).stream?.unref?.());
  try {
    const first = await withConnectTimeout(options.connectTimeoutMs, pool.getConnection(), (c) => c.release());
    first.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectError(target, classify(error), error, options.password);
  }

  const withConnection = async <T>(work: (connection: mysql.PoolConnection) => Promise<T>): Promise<T> => {
    let connection: mysql.PoolConnection;
    try {
      connection = await withConnectTimeout(options.connectTimeoutMs, pool.getConnection(), (c) => c.release());
    } catch (error) {
      throw connectError(target, classify(error), error, options.password);
    }
    try {
      return await work(connection);
    } finally {
      connection.release();
    }
  };

  const counter: Counter = { trips: 0 };
  const base = adapt(pool, counter);
  const retryable = (error: unknown) => RETRYABLE.has((error as { errno?: number }).errno ?? 0);
  return {
    dialect: "mysql",
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
          await connection.query(begin(connection));
          try {
            const result = await work(adapt(connection, counter));
            counter.trips++;
            await connection.commit();
            return result;
          } catch (error) {
            counter.trips++;
            await connection.rollback().catch(() => undefined);
            throw error;
          }
        }),
      );
    },
    batch(statements: readonly SqlStatement[]): Promise<number[]> {
      // START TRANSACTION; s1; s2; …; COMMIT as one request: the server stops at the first failing
      // statement, leaving the transaction open on this connection, so it is rolled back before reuse.
      const params = statements.flatMap((s) => s.params ?? []);
      return retryTransaction(retryable, () =>
        withConnection(async (connection) => {
          try {
            counter.trips++;
            const [results] = await connection.query([begin(connection), ...statements.map((s) => s.sql), "COMMIT"].join(";\n"), params);
            // The results of the statements between START TRANSACTION (and the SET before it) and COMMIT.
            return (results as mysql.ResultSetHeader[]).slice(-1 - statements.length, -1).map((r) => r.affectedRows ?? 0);
          } catch (error) {
            counter.trips++;
            await connection.query("ROLLBACK").catch(() => undefined);
            throw error;
          }
        }),
      );
    },
    queryBatch(statements: readonly SqlStatement[]): Promise<Row[][]> {
      return withConnection(async (connection) => {
        counter.trips++;
        const [results] = await connection.query(
          statements.map((s) => s.sql).join(";\n"),
          statements.flatMap((s) => s.params ?? []),
        );
        // One statement answers with its rows alone, several with one entry each; an entry without rows is a result header.
        const each = (statements.length === 1 ? [results] : results) as unknown[];
        return each.map((result) => (Array.isArray(result) ? (result as Row[]) : []));
      });
    },
    withLock<T>(name: string, work: (connection: SqlConnection) => Promise<T>): Promise<T> {
      return withConnection(async (connection) => {
        counter.trips++;
        const [rows] = await connection.query("SELECT GET_LOCK(?, ?) AS got", [name, LOCK_WAIT_S]);
        if (Number((rows as Row[])[0]?.got) !== 1) throw new Error(`could not take the database lock '${name}' within ${LOCK_WAIT_S} s`);
        try {
          return await work(adapt(connection, counter));
        } finally {
          counter.trips++;
          await connection.query("SELECT RELEASE_LOCK(?)", [name]).catch(() => undefined);
        }
      });
    },
    isUniqueViolation: (error) => (error as { errno?: number }).errno === 1062,
    isConnectionLost,
    close: () => pool.end(),
  };
}
