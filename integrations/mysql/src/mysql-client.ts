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
  type SqlConnection,
  type SqlServerOptions,
} from "@zen/core/sql-stores";
import mysql from "mysql2/promise";

const RETRIES = 5;
/** Deadlock, lock wait timeout: the transaction is retried from the start. */
const RETRYABLE = new Set([1213, 1205]);
/** Advisory locks wait this long at most (migrations are quick). */
const LOCK_WAIT_S = 120;

type Queryable = Pick<mysql.PoolConnection, "query">;

function adapt(connection: Queryable): SqlConnection {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const [rows] = await connection.query(sql, params as unknown[]);
      return rows as R[];
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
      const [result] = await connection.query(sql, params as unknown[]);
      return (result as mysql.ResultSetHeader).affectedRows ?? 0;
    },
  };
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
  const pool = mysql.createPool({
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
  });
  // A pool error on an idle connection (server restart) must not crash the process, and an idle
  // connection must not keep it alive: its socket is unreferenced while it waits in the pool.
  type Streamed = { stream?: { ref?: () => void; unref?: () => void } };
  // READ COMMITTED once per connection (not per transaction: one round trip less per write); mysql2 runs
  // this before any query the pool later hands the connection out for. The event carries the core
  // (callback) connection, whatever the promise typings say.
  type Core = { query(sql: string, callback: () => void): void };
  pool.on("connection", (connection) => {
    connection.on("error", () => undefined);
    (connection as unknown as Core).query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", () => undefined);
  });
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

  const base = adapt(pool);
  return {
    dialect: "mysql",
    target,
    query: base.query,
    execute: base.execute,
    async transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withConnection(async (connection) => {
            await connection.beginTransaction();
            try {
              const result = await work(adapt(connection));
              await connection.commit();
              return result;
            } catch (error) {
              await connection.rollback().catch(() => undefined);
              throw error;
            }
          });
        } catch (error) {
          if (attempt < RETRIES && RETRYABLE.has((error as { errno?: number }).errno ?? 0)) {
            await new Promise((resolve) => setTimeout(resolve, 10 * attempt * Math.random()));
            continue;
          }
          throw error;
        }
      }
    },
    withLock<T>(name: string, work: (connection: SqlConnection) => Promise<T>): Promise<T> {
      return withConnection(async (connection) => {
        const [rows] = await connection.query("SELECT GET_LOCK(?, ?) AS got", [name, LOCK_WAIT_S]);
        if (Number((rows as Row[])[0]?.got) !== 1) throw new Error(`could not take the database lock '${name}' within ${LOCK_WAIT_S} s`);
        try {
          return await work(adapt(connection));
        } finally {
          await connection.query("SELECT RELEASE_LOCK(?)", [name]).catch(() => undefined);
        }
      });
    },
    isUniqueViolation: (error) => (error as { errno?: number }).errno === 1062,
    close: () => pool.end(),
  };
}
