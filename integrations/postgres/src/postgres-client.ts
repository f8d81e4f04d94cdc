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
  type SqlConnection,
  type SqlServerOptions,
} from "@zen/core/sql-stores";
import pg from "pg";

const RETRIES = 5;
/** Deadlock, serialization failure: the transaction is retried from the start. */
const RETRYABLE = new Set(["40P01", "40001"]);

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function adapt(connection: pg.Pool | pg.PoolClient): SqlConnection {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await connection.query(numbered(sql), params as unknown[])).rows as R[];
    },
    async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
      return (await connection.query(numbered(sql), params as unknown[])).rowCount ?? 0;
    },
  };
}

function classify(error: unknown): ConnectFailure {
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? "");
  if (e.code === "ZEN_CONNECT_TIMEOUT" || e.code === "ETIMEDOUT" || /timeout/i.test(message)) return "timeout";
  if (e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" || e.code === "ECONNRESET") return "unreachable";
  if (e.code === "28P01") return "auth";
  if (e.code === "3D000") return "unknown-database";
  if (/ssl|tls|encryption|certificate/i.test(message)) return "tls";
  if (e.code === "28000") return "auth";
  return "other";
}

/** Connects (one round trip to check it) and returns the client; a clear ZenError otherwise. */
export async function connectPostgres(options: SqlServerOptions): Promise<SqlClient> {
  const target = describeTarget("postgresql", options);
  const pool = new pg.Pool({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password ?? "",
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

  const base = adapt(pool);
  return {
    dialect: "postgres",
    target,
    query: base.query,
    execute: base.execute,
    async transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withConnection(async (connection) => {
            await connection.query("BEGIN");
            try {
              const result = await work(adapt(connection));
              await connection.query("COMMIT");
              return result;
            } catch (error) {
              await connection.query("ROLLBACK").catch(() => undefined);
              throw error;
            }
          });
        } catch (error) {
          if (attempt < RETRIES && RETRYABLE.has((error as { code?: string }).code ?? "")) {
            await new Promise((resolve) => setTimeout(resolve, 10 * attempt * Math.random()));
            continue;
          }
          throw error;
        }
      }
    },
    withLock<T>(name: string, work: (connection: SqlConnection) => Promise<T>): Promise<T> {
      return withConnection(async (connection) => {
        await connection.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
        try {
          return await work(adapt(connection));
        } finally {
          await connection.query("SELECT pg_advisory_unlock(hashtext($1))", [name]).catch(() => undefined);
        }
      });
    },
    isUniqueViolation: (error) => (error as { code?: string }).code === "23505",
    close: () => pool.end(),
  };
}
